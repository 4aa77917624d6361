/* amap-kmz-writer.c: a KML document and its icons, zipped
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-kmz-writer"

#include "config.h"

#include <string.h>

#include <archive.h>
#include <archive_entry.h>
#include <glib/gi18n.h>

#include "amap-category.h"
#include "amap-error.h"
#include "amap-kml-writer.h"
#include "amap-kmz-writer.h"
#include "amap-pin-render.h"

typedef struct archive_entry AmapArchiveEntry;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AmapArchiveEntry, archive_entry_free)

/*
 * The pins are the app's own (amap-pin-render.c): the category's color
 * and symbol, drawn with cairo and written as PNG by cairo.
 */

GBytes *
amap_kmz_render_pin_png (const char *color,
                         const char *icon_name)
{
  return amap_pin_render_to_png (color, icon_name, AMAP_PIN_STYLE_PLAIN, AMAP_KMZ_ICON_SCALE);
}

void
amap_kmz_get_pin_hot_spot (double *x,
                           double *y)
{
  double width, height;

  amap_pin_render_get_box (AMAP_PIN_STYLE_PLAIN, &width, &height);
  /* The tip: the middle of the bottom, less the margin; KML counts y
   * from the bottom. */
  if (x != NULL)
    *x = 0.5;
  if (y != NULL)
    *y = AMAP_PIN_RENDER_MARGIN / height;
}

/* The zip */

typedef struct
{
  GOutputStream *stream;
  GCancellable  *cancellable;
  GError        *error;
} ZipOutput;

static la_ssize_t
zip_write_cb (struct archive *archive,
              void           *client_data,
              const void     *buffer,
              size_t          length)
{
  ZipOutput *out = client_data;

  if (out->error != NULL)
    return -1;

  if (!g_output_stream_write_all (out->stream, buffer, length, NULL,
                                  out->cancellable, &out->error))
    {
      archive_set_error (archive, EIO, "%s", out->error->message);
      return -1;
    }

  return length;
}

static int
zip_close_cb (struct archive *archive,
              void           *client_data)
{
  return ARCHIVE_OK;
}

static struct archive_entry *
new_entry (const char *path,
           gint64      size)
{
  struct archive_entry *entry = archive_entry_new ();

  archive_entry_set_pathname (entry, path);
  archive_entry_set_filetype (entry, AE_IFREG);
  archive_entry_set_perm (entry, 0644);
  archive_entry_set_size (entry, size);
  return entry;
}

static gboolean
fail (struct archive *archive,
      ZipOutput      *out,
      GCancellable   *cancellable,
      GError        **error)
{
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    g_clear_error (&out->error);
  else if (out->error != NULL)
    g_propagate_error (error, g_steal_pointer (&out->error));
  else
    g_set_error (error, AMAP_ERROR, AMAP_ERROR_IO,
                 _("Could not write the KMZ archive: %s"),
                 archive_error_string (archive) != NULL
                   ? archive_error_string (archive) : g_strerror (EIO));

  return FALSE;
}

gboolean
amap_kmz_writer_write (GOutputStream *stream,
                       GInputStream  *doc_kml,
                       goffset        doc_size,
                       GPtrArray     *categories,
                       GCancellable  *cancellable,
                       GError       **error)
{
  ZipOutput out = { stream, cancellable, NULL };
  struct archive *archive;
  gboolean ok = FALSE;
  g_autofree guint8 *buffer = NULL;
  goffset written = 0;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);
  g_return_val_if_fail (G_IS_INPUT_STREAM (doc_kml), FALSE);
  g_return_val_if_fail (categories != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  archive = archive_write_new ();
  if (archive_write_set_format_zip (archive) != ARCHIVE_OK
      || archive_write_zip_set_compression_deflate (archive) != ARCHIVE_OK
      || archive_write_set_bytes_per_block (archive, 0) != ARCHIVE_OK
      || archive_write_open (archive, &out, NULL, zip_write_cb, zip_close_cb) != ARCHIVE_OK)
    goto out;

  /* doc.kml first: some readers take the first .kml they meet. */
  {
    g_autoptr(AmapArchiveEntry) entry = new_entry ("doc.kml", doc_size);

    if (archive_write_header (archive, entry) != ARCHIVE_OK)
      goto out;
  }

  buffer = g_malloc (64 * 1024);
  while (written < doc_size)
    {
      gssize n = g_input_stream_read (doc_kml, buffer, 64 * 1024, cancellable, &out.error);

      if (n < 0)
        goto out;
      if (n == 0)
        {
          g_set_error_literal (&out.error, AMAP_ERROR, AMAP_ERROR_IO,
                               _("The KML document ended early while it was being packed"));
          goto out;
        }
      if (archive_write_data (archive, buffer, n) != n)
        goto out;
      written += n;
    }
  if (archive_write_finish_entry (archive) != ARCHIVE_OK)
    goto out;

  for (guint i = 0; i < categories->len; i++)
    {
      AmapCategory *category = g_ptr_array_index (categories, i);
      g_autofree char *path = amap_kml_writer_dup_icon_path (amap_category_get_key (category));
      g_autoptr(GBytes) png = NULL;
      g_autoptr(AmapArchiveEntry) entry = NULL;
      gsize len;
      const void *png_data;

      if (g_cancellable_is_cancelled (cancellable))
        goto out;
      if (g_hash_table_contains (seen, path))
        continue;

      png = amap_kmz_render_pin_png (amap_category_get_color (category),
                                     amap_category_get_icon_name (category));
      png_data = g_bytes_get_data (png, &len);
      entry = new_entry (path, len);
      if (archive_write_header (archive, entry) != ARCHIVE_OK
          || archive_write_data (archive, png_data, len) != (la_ssize_t) len
          || archive_write_finish_entry (archive) != ARCHIVE_OK)
        goto out;
      g_hash_table_add (seen, g_steal_pointer (&path));
    }

  if (archive_write_close (archive) != ARCHIVE_OK)
    goto out;

  ok = TRUE;

out:
  if (!ok)
    fail (archive, &out, cancellable, error);
  archive_write_free (archive);
  g_clear_error (&out.error);

  return ok;
}

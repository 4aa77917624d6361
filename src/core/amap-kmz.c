/* amap-kmz.c: reading the KML document inside a KMZ (zip) archive
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-kmz"

#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <glib/gi18n.h>
#include <string.h>

#include "amap-error.h"
#include "amap-kmz.h"

/* The ratio cap applies once this much has been expanded. */
#define RATIO_GRACE_BYTES (G_GUINT64_CONSTANT (4) * 1024 * 1024)
#define READ_BLOCK (64 * 1024)

typedef struct archive ArchiveRead;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ArchiveRead, archive_read_free)

typedef struct
{
  const char *path;        /* or NULL */
  GBytes *bytes;           /* or NULL */
  const char *display_name;
} Source;

static struct archive *
open_archive (const Source  *source,
              GError       **error)
{
  struct archive *a = archive_read_new ();
  int rc;

  archive_read_support_format_zip (a);
  archive_read_support_filter_none (a);

  if (source->path != NULL)
    rc = archive_read_open_filename (a, source->path, READ_BLOCK);
  else
    {
      gsize len;
      const void *data = g_bytes_get_data (source->bytes, &len);

      /* libarchive wants a non-NULL buffer even when empty. */
      rc = archive_read_open_memory (a, data != NULL ? data : "", len);
    }

  if (rc != ARCHIVE_OK)
    {
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_PARSE,
                   _("%s is not a readable KMZ (zip) archive: %s"),
                   source->display_name, archive_error_string (a) ? archive_error_string (a) : "");
      archive_read_free (a);
      return NULL;
    }

  return a;
}

static gboolean
path_is_safe (const char *name)
{
  g_auto(GStrv) parts = NULL;

  if (name[0] == '/' || name[0] == '\\')
    return FALSE;
  /* "C:..." drive letters. */
  if (g_ascii_isalpha (name[0]) && name[1] == ':')
    return FALSE;

  parts = g_strsplit_set (name, "/\\", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (g_str_equal (parts[i], ".."))
      return FALSE;

  return TRUE;
}

static gboolean
has_kml_suffix (const char *name)
{
  gsize len = strlen (name);

  return len > 4 && g_ascii_strcasecmp (name + len - 4, ".kml") == 0;
}

/* First pass: check every entry and choose the KML to read. Returns its
 * index among the entries, or -1 with @error set. */
static int
choose_entry (const Source  *source,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(ArchiveRead) a = NULL;
  struct archive_entry *entry;
  int index = 0, root_doc = -1, root_kml = -1, any_kml = -1;
  int rc;

  a = open_archive (source, error);
  if (a == NULL)
    return -1;

  while ((rc = archive_read_next_header (a, &entry)) == ARCHIVE_OK ||
         rc == ARCHIVE_WARN)
    {
      const char *name = archive_entry_pathname (entry);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return -1;

      if (index >= AMAP_KMZ_MAX_ENTRIES)
        {
          g_set_error (error, AMAP_ERROR, AMAP_ERROR_UNSAFE,
                       _("%s was refused: it holds more than %d files"),
                       source->display_name, AMAP_KMZ_MAX_ENTRIES);
          return -1;
        }
      if (name == NULL || !path_is_safe (name))
        {
          g_set_error (error, AMAP_ERROR, AMAP_ERROR_UNSAFE,
                       _("%s was refused: it holds a file with an unsafe path (“%s”)"),
                       source->display_name, name != NULL ? name : "");
          return -1;
        }
      if (archive_entry_is_encrypted (entry))
        {
          g_set_error (error, AMAP_ERROR, AMAP_ERROR_UNSAFE,
                       _("%s was refused: “%s” is encrypted"),
                       source->display_name, name);
          return -1;
        }

      if (archive_entry_filetype (entry) == AE_IFREG && has_kml_suffix (name))
        {
          gboolean at_root = strchr (name, '/') == NULL && strchr (name, '\\') == NULL;

          if (at_root && root_doc < 0 && g_ascii_strcasecmp (name, "doc.kml") == 0)
            root_doc = index;
          if (at_root && root_kml < 0)
            root_kml = index;
          if (any_kml < 0)
            any_kml = index;
        }

      index++;
    }

  if (rc != ARCHIVE_EOF)
    {
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_PARSE,
                   _("%s is not a readable KMZ (zip) archive: %s"),
                   source->display_name,
                   archive_error_string (a) ? archive_error_string (a) : "");
      return -1;
    }

  if (root_doc >= 0)
    return root_doc;
  if (root_kml >= 0)
    return root_kml;
  if (any_kml >= 0)
    return any_kml;

  g_set_error (error, AMAP_ERROR, AMAP_ERROR_UNSUPPORTED,
               _("%s holds no KML document (no .kml file inside)"),
               source->display_name);
  return -1;
}

static gboolean
read_kmz (const Source         *source,
          AmapKmlReader        *reader,
          GCancellable         *cancellable,
          AmapKmzProgressFunc   progress,
          gpointer              progress_data,
          GError              **error)
{
  g_autoptr(ArchiveRead) a = NULL;
  g_autofree char *buffer = NULL;
  struct archive_entry *entry;
  guint64 expanded = 0;
  int wanted, index = 0;

  wanted = choose_entry (source, cancellable, error);
  if (wanted < 0)
    return FALSE;

  a = open_archive (source, error);
  if (a == NULL)
    return FALSE;

  while (TRUE)
    {
      int rc = archive_read_next_header (a, &entry);

      if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN)
        {
          g_set_error (error, AMAP_ERROR, AMAP_ERROR_PARSE,
                       _("%s is not a readable KMZ (zip) archive: %s"),
                       source->display_name,
                       archive_error_string (a) ? archive_error_string (a) : "");
          return FALSE;
        }
      if (index++ == wanted)
        break;
    }

  buffer = g_malloc (READ_BLOCK);
  amap_kml_reader_begin (reader);

  while (TRUE)
    {
      la_ssize_t n;
      guint64 consumed;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      n = archive_read_data (a, buffer, READ_BLOCK);
      if (n < 0)
        {
          g_set_error (error, AMAP_ERROR, AMAP_ERROR_PARSE,
                       _("%s: “%s” could not be read: %s"),
                       source->display_name, archive_entry_pathname (entry),
                       archive_error_string (a) ? archive_error_string (a) : "");
          return FALSE;
        }
      if (n == 0)
        break;

      expanded += n;
      consumed = (guint64) MAX (archive_filter_bytes (a, -1), 1);

      if (expanded > AMAP_KMZ_MAX_UNCOMPRESSED)
        {
          g_set_error (error, AMAP_ERROR, AMAP_ERROR_UNSAFE,
                       _("%s was refused: its KML expands to more than %d MB"),
                       source->display_name,
                       (int) (AMAP_KMZ_MAX_UNCOMPRESSED / (1024 * 1024)));
          return FALSE;
        }
      if (expanded > RATIO_GRACE_BYTES && expanded / consumed > AMAP_KMZ_MAX_RATIO)
        {
          g_set_error (error, AMAP_ERROR, AMAP_ERROR_UNSAFE,
                       _("%s was refused: it expands more than %d times (a “zip bomb”)"),
                       source->display_name, AMAP_KMZ_MAX_RATIO);
          return FALSE;
        }

      if (!amap_kml_reader_feed (reader, buffer, n, error))
        return FALSE;

      if (progress != NULL)
        progress (consumed, progress_data);
    }

  /* Said of the archive, not of the document the reader knows by the
   * archive's name. */
  if (expanded == 0)
    {
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_PARSE,
                   _("%s holds an empty KML document (“%s”): there is nothing to import"),
                   source->display_name, archive_entry_pathname (entry));
      return FALSE;
    }

  return amap_kml_reader_end (reader, error);
}

gboolean
amap_kmz_looks_like_zip (const guint8 *data,
                         gsize         len)
{
  /* A local file header, or the end of the central directory of an
   * archive with nothing in it. */
  return len >= 4 && data[0] == 'P' && data[1] == 'K' &&
         ((data[2] == 3 && data[3] == 4) || (data[2] == 5 && data[3] == 6));
}

gboolean
amap_kmz_read_file (const char           *path,
                    AmapKmlReader        *reader,
                    GCancellable         *cancellable,
                    AmapKmzProgressFunc   progress,
                    gpointer              progress_data,
                    GError              **error)
{
  g_autofree char *display_name = NULL;
  Source source = { 0 };

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (AMAP_IS_KML_READER (reader), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  display_name = g_filename_display_basename (path);
  source.path = path;
  source.display_name = display_name;

  return read_kmz (&source, reader, cancellable, progress, progress_data, error);
}

gboolean
amap_kmz_read_bytes (GBytes         *bytes,
                     const char     *display_name,
                     AmapKmlReader  *reader,
                     GCancellable   *cancellable,
                     GError        **error)
{
  Source source = { 0 };

  g_return_val_if_fail (bytes != NULL, FALSE);
  g_return_val_if_fail (AMAP_IS_KML_READER (reader), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  source.bytes = bytes;
  source.display_name = display_name != NULL ? display_name : "KMZ";

  return read_kmz (&source, reader, cancellable, NULL, NULL, error);
}

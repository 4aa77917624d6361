/* amap-kmz-writer.c: a KML document and its icons, zipped
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-kmz-writer"

#include "config.h"

#include <math.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>
#include <glib/gi18n.h>

#include "amap-category.h"
#include "amap-error.h"
#include "amap-kml-writer.h"
#include "amap-kmz-writer.h"

typedef struct archive_entry AmapArchiveEntry;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AmapArchiveEntry, archive_entry_free)

/*
 * The pins are drawn here rather than shipped as files: one small image per
 * category color, including the colors of the user's own categories. The
 * PNG encoder is the smallest that is still a correct PNG: the image data is
 * a zlib stream of "stored" (uncompressed) deflate blocks, which needs no
 * compression library; the zip around it deflates them anyway.
 */

#define STORED_BLOCK_MAX 65535

/* PNG encoding */

static guint32 crc_table[256];

static gpointer
init_crc_table (gpointer data)
{
  for (guint32 n = 0; n < 256; n++)
    {
      guint32 c = n;

      for (int k = 0; k < 8; k++)
        c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      crc_table[n] = c;
    }

  return NULL;
}

static guint32
crc32_update (guint32       crc,
              const guint8 *data,
              gsize         len)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, init_crc_table, NULL);

  crc ^= 0xFFFFFFFFu;
  for (gsize i = 0; i < len; i++)
    crc = crc_table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);

  return crc ^ 0xFFFFFFFFu;
}

static guint32
adler32 (const guint8 *data,
         gsize         len)
{
  guint32 a = 1, b = 0;

  for (gsize i = 0; i < len; i++)
    {
      a = (a + data[i]) % 65521;
      b = (b + a) % 65521;
    }

  return (b << 16) | a;
}

static void
append_be32 (GByteArray *bytes,
             guint32     value)
{
  guint8 be[4] = { value >> 24, value >> 16, value >> 8, value };

  g_byte_array_append (bytes, be, 4);
}

/* length, type, data, CRC of type and data */
static void
append_chunk (GByteArray   *png,
              const char   *type,
              const guint8 *data,
              gsize         len)
{
  guint32 crc;

  append_be32 (png, len);
  g_byte_array_append (png, (const guint8 *) type, 4);
  if (len > 0)
    g_byte_array_append (png, data, len);

  crc = crc32_update (0, (const guint8 *) type, 4);
  crc = crc32_update (crc, data, len);
  append_be32 (png, crc);
}

/* A zlib stream (RFC 1950) of stored deflate blocks (RFC 1951, 3.2.4). */
static GByteArray *
zlib_store (const guint8 *data,
            gsize         len)
{
  GByteArray *z = g_byte_array_new ();
  const guint8 header[2] = { 0x78, 0x01 };
  gsize pos = 0;

  g_byte_array_append (z, header, 2);
  do
    {
      gsize n = MIN (len - pos, STORED_BLOCK_MAX);
      gboolean last = pos + n == len;
      guint8 block[5] = { last ? 1 : 0, n & 0xFF, n >> 8, ~n & 0xFF, (~n >> 8) & 0xFF };

      g_byte_array_append (z, block, 5);
      if (n > 0)
        g_byte_array_append (z, data + pos, n);
      pos += n;
    }
  while (pos < len);
  append_be32 (z, adler32 (data, len));

  return z;
}

static GBytes *
encode_png (const guint8 *rgba,
            guint         width,
            guint         height)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };
  GByteArray *png = g_byte_array_new ();
  g_autoptr(GByteArray) raw = g_byte_array_sized_new ((width * 4 + 1) * height);
  g_autoptr(GByteArray) idat = NULL;
  guint8 ihdr[13];

  g_byte_array_append (png, signature, sizeof signature);

  ihdr[0] = width >> 24; ihdr[1] = width >> 16; ihdr[2] = width >> 8; ihdr[3] = width;
  ihdr[4] = height >> 24; ihdr[5] = height >> 16; ihdr[6] = height >> 8; ihdr[7] = height;
  ihdr[8] = 8;   /* bit depth */
  ihdr[9] = 6;   /* RGBA */
  ihdr[10] = 0;  /* deflate */
  ihdr[11] = 0;  /* adaptive filtering */
  ihdr[12] = 0;  /* no interlace */
  append_chunk (png, "IHDR", ihdr, sizeof ihdr);

  for (guint y = 0; y < height; y++)
    {
      const guint8 filter = 0;

      g_byte_array_append (raw, &filter, 1);
      g_byte_array_append (raw, rgba + (gsize) y * width * 4, width * 4);
    }
  idat = zlib_store (raw->data, raw->len);
  append_chunk (png, "IDAT", idat->data, idat->len);
  append_chunk (png, "IEND", NULL, 0);

  return g_byte_array_free_to_bytes (png);
}

static guint
hex_value (char c)
{
  return g_ascii_xdigit_value (c) < 0 ? 0 : (guint) g_ascii_xdigit_value (c);
}

GBytes *
amap_kmz_render_pin_png (const char *color,
                         guint       size)
{
  const int samples = 4;
  g_autofree guint8 *rgba = NULL;
  double fill[3], edge[3];
  double center, r_outer, r_ring, r_fill;

  g_return_val_if_fail (size >= 8 && size <= 1024, NULL);

  if (color == NULL || !amap_color_is_valid (color))
    color = "#9a9996";

  for (int i = 0; i < 3; i++)
    {
      fill[i] = hex_value (color[1 + 2 * i]) * 16 + hex_value (color[2 + 2 * i]);
      edge[i] = fill[i] * 0.55;  /* a darker outline keeps light colors visible */
    }

  center = size / 2.0;
  r_outer = size / 2.0 - 1;
  r_ring = r_outer - MAX (1.0, size / 24.0);
  r_fill = r_ring - MAX (2.0, size / 10.0);

  rgba = g_malloc0 ((gsize) size * size * 4);

  /* Supersampled coverage of three discs: outline, white ring, fill. */
  for (guint y = 0; y < size; y++)
    for (guint x = 0; x < size; x++)
      {
        double sum[3] = { 0, 0, 0 };
        int covered = 0;
        guint8 *px = rgba + ((gsize) y * size + x) * 4;

        for (int sy = 0; sy < samples; sy++)
          for (int sx = 0; sx < samples; sx++)
            {
              double dx = x + (sx + 0.5) / samples - center;
              double dy = y + (sy + 0.5) / samples - center;
              double d = sqrt (dx * dx + dy * dy);

              if (d > r_outer)
                continue;

              covered++;
              for (int i = 0; i < 3; i++)
                sum[i] += d > r_ring ? edge[i] : d > r_fill ? 255.0 : fill[i];
            }

        if (covered > 0)
          {
            for (int i = 0; i < 3; i++)
              px[i] = (guint8) lround (sum[i] / covered);
            px[3] = (guint8) lround (255.0 * covered / (samples * samples));
          }
      }

  return encode_png (rgba, size, size);
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

      png = amap_kmz_render_pin_png (amap_category_get_color (category), AMAP_KMZ_ICON_SIZE);
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

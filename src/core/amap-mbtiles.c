/* amap-mbtiles.c: MBTiles files, read as a base map and written by a download
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * MBTiles is a map format of its own, not our database: its SQL lives here,
 * beside no other (the store's SQL stays in amap-store*.c).
 */

#define G_LOG_DOMAIN "amap-mbtiles"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "amap-error.h"
#include "amap-mbtiles.h"

#define MAX_LATITUDE 85.0511287798

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

struct _AmapMbtiles
{
  GObject parent_instance;

  char *path;
  sqlite3 *db;
  sqlite3_stmt *tile_stmt;

  char *name;
  char *format;
  char *attribution;
  char *description;

  gboolean has_bounds;
  double west, south, east, north;
  gboolean has_center;
  double center_longitude, center_latitude;
  int center_zoom;
  int min_zoom, max_zoom;
};

G_DEFINE_FINAL_TYPE (AmapMbtiles, amap_mbtiles, G_TYPE_OBJECT)

/* Helpers */

static double
tile_x_to_longitude (double x,
                     int    zoom)
{
  return x / (double) (1 << zoom) * 360.0 - 180.0;
}

static double
tile_y_to_latitude (double y,
                    int    zoom)
{
  double n = G_PI * (1.0 - 2.0 * y / (double) (1 << zoom));

  return atan (sinh (n)) * 180.0 / G_PI;
}

static gboolean
is_corrupt_code (int rc)
{
  rc &= 0xff;
  return rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB || rc == SQLITE_FORMAT;
}

static void
set_sqlite_error (const char  *path,
                  sqlite3     *db,
                  int          rc,
                  GError     **error)
{
  g_autofree char *display = g_filename_display_name (path);

  if (is_corrupt_code (rc))
    g_set_error (error, AMAP_ERROR, AMAP_ERROR_DAMAGED,
                 /* Translators: %s is a file name */
                 _("The offline map “%s” is damaged and cannot be read. Ask whoever made it for a new copy."),
                 display);
  else if ((rc & 0xff) == SQLITE_FULL)
    g_set_error (error, AMAP_ERROR, AMAP_ERROR_NO_SPACE,
                 _("The disk is full: “%s” could not be written. Free some space and try again."),
                 display);
  else
    g_set_error (error, AMAP_ERROR, AMAP_ERROR_IO,
                 /* Translators: %s is a file name, then SQLite's own message */
                 _("The offline map “%s” could not be read (%s). Check that the file is readable and try again."),
                 display, db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
}

/* A read-only URI; "immutable=1" (no locks, no -shm created) unless a
 * program has the file open with a write-ahead log. */
static char *
read_only_uri (const char *path)
{
  g_autofree char *escaped = g_uri_escape_string (path, "/", FALSE);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  gboolean use_log = g_file_test (shm, G_FILE_TEST_EXISTS) ||
                     g_file_test (wal, G_FILE_TEST_EXISTS);

  return g_strconcat ("file:", escaped, use_log ? "?mode=ro" : "?immutable=1", NULL);
}

/* Reads the first 16 bytes: an SQLite file starts with "SQLite format 3". */
static gboolean
check_header (const char  *path,
              GError     **error)
{
  g_autofree char *display = g_filename_display_name (path);
  char header[16] = { 0 };
  size_t n;
  FILE *file;
  int saved_errno;

  file = g_fopen (path, "rb");
  if (file == NULL)
    {
      saved_errno = errno;
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_IO,
                   /* Translators: %s is a file name, then the system's reason */
                   _("The offline map “%s” could not be opened: %s."),
                   display, g_strerror (saved_errno));
      return FALSE;
    }
  n = fread (header, 1, sizeof header, file);
  saved_errno = errno;
  if (n < sizeof header && ferror (file))
    {
      fclose (file);
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_IO,
                   _("The offline map “%s” could not be opened: %s."),
                   display, g_strerror (saved_errno));
      return FALSE;
    }
  fclose (file);

  if (n < sizeof header || memcmp (header, "SQLite format 3", 16) != 0)
    {
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_UNSUPPORTED,
                   _("“%s” is not an MBTiles offline map (it is not an SQLite database). Open the .mbtiles file made with QGIS or sent by your district or map provider."),
                   display);
      return FALSE;
    }
  return TRUE;
}

static char *
normalize_format (const char *format)
{
  g_autofree char *lower = g_ascii_strdown (format, -1);

  g_strstrip (lower);
  if (g_str_equal (lower, "jpeg"))
    return g_strdup ("jpg");
  if (g_str_equal (lower, "mvt"))
    return g_strdup ("pbf");
  return g_steal_pointer (&lower);
}

static const char *
sniff_format (const guint8 *data,
              gsize         size)
{
  if (size >= 8 && memcmp (data, "\x89PNG\r\n\x1a\n", 8) == 0)
    return "png";
  if (size >= 3 && memcmp (data, "\xff\xd8\xff", 3) == 0)
    return "jpg";
  if (size >= 12 && memcmp (data, "RIFF", 4) == 0 && memcmp (data + 8, "WEBP", 4) == 0)
    return "webp";
  if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b)
    return "pbf";
  return NULL;
}

static gboolean
parse_doubles (const char *text,
               double     *values,
               guint       n_values)
{
  g_auto (GStrv) parts = g_strsplit (text, ",", -1);

  if (g_strv_length (parts) != n_values)
    return FALSE;
  for (guint i = 0; i < n_values; i++)
    {
      char *end = NULL;

      g_strstrip (parts[i]);
      values[i] = g_ascii_strtod (parts[i], &end);
      if (end == parts[i] || *end != '\0' || !isfinite (values[i]))
        return FALSE;
    }
  return TRUE;
}

static gboolean
parse_int (const char *text,
           int        *value)
{
  gint64 v;
  char *end = NULL;

  if (text == NULL)
    return FALSE;
  v = g_ascii_strtoll (text, &end, 10);
  while (end != NULL && g_ascii_isspace (*end))
    end++;
  if (end == text || *end != '\0' || v < 0 || v > 30)
    return FALSE;
  *value = (int) v;
  return TRUE;
}

/* Reads the metadata rows, then fills the gaps from the tiles table. */
static gboolean
load (AmapMbtiles  *self,
      GError      **error)
{
  g_autoptr (GHashTable) metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  const char *value;
  double bounds[4], center[3];
  int n_tables = 0;
  int rc;

  rc = sqlite3_prepare_v2 (self->db,
                           "SELECT count(*) FROM sqlite_master"
                           " WHERE name IN ('tiles', 'metadata') AND type IN ('table', 'view')",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    n_tables = sqlite3_column_int (stmt, 0);
  if (rc != SQLITE_ROW)
    {
      set_sqlite_error (self->path, self->db, rc, error);
      return FALSE;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (n_tables != 2)
    {
      g_autofree char *display = g_filename_display_name (self->path);

      g_set_error (error, AMAP_ERROR, AMAP_ERROR_UNSUPPORTED,
                   _("“%s” is an SQLite database but not an MBTiles offline map (it has no tiles and metadata tables). Open the .mbtiles file made with QGIS or sent by your district or map provider."),
                   display);
      return FALSE;
    }

  rc = sqlite3_prepare_v2 (self->db, "SELECT name, value FROM metadata", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  for (; rc == SQLITE_ROW; rc = sqlite3_step (stmt))
    {
      const char *name = (const char *) sqlite3_column_text (stmt, 0);
      const char *text = (const char *) sqlite3_column_text (stmt, 1);

      if (name != NULL && text != NULL && g_utf8_validate (text, -1, NULL))
        g_hash_table_replace (metadata, g_ascii_strdown (name, -1), g_strdup (text));
    }
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self->path, self->db, rc, error);
      return FALSE;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  value = g_hash_table_lookup (metadata, "name");
  if (value != NULL && *value != '\0')
    self->name = g_strdup (value);
  else
    self->name = g_path_get_basename (self->path);
  value = g_hash_table_lookup (metadata, "attribution");
  if (value != NULL && *value != '\0')
    self->attribution = g_strdup (value);
  value = g_hash_table_lookup (metadata, "description");
  if (value != NULL && *value != '\0')
    self->description = g_strdup (value);
  value = g_hash_table_lookup (metadata, "format");
  if (value != NULL && *value != '\0')
    self->format = normalize_format (value);

  /* The zoom levels present; the index on (zoom_level, ...) makes these
   * two lookups, and reading them finds a damaged index at once. */
  self->min_zoom = -1;
  self->max_zoom = -1;
  rc = sqlite3_prepare_v2 (self->db, "SELECT min(zoom_level), max(zoom_level) FROM tiles",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW &&
      sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    {
      self->min_zoom = CLAMP (sqlite3_column_int (stmt, 0), 0, 30);
      self->max_zoom = CLAMP (sqlite3_column_int (stmt, 1), 0, 30);
    }
  if (rc != SQLITE_ROW)
    {
      set_sqlite_error (self->path, self->db, rc, error);
      return FALSE;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  {
    int zoom;

    if (parse_int (g_hash_table_lookup (metadata, "minzoom"), &zoom))
      self->min_zoom = zoom;
    if (parse_int (g_hash_table_lookup (metadata, "maxzoom"), &zoom))
      self->max_zoom = zoom;
    if (self->min_zoom < 0)
      self->min_zoom = 0;
    if (self->max_zoom < self->min_zoom)
      self->max_zoom = MAX (self->min_zoom, 18);
  }

  value = g_hash_table_lookup (metadata, "bounds");
  if (value != NULL && parse_doubles (value, bounds, 4) &&
      bounds[0] >= -180.0 && bounds[2] <= 180.0 && bounds[0] < bounds[2] &&
      bounds[1] >= -90.0 && bounds[3] <= 90.0 && bounds[1] < bounds[3])
    {
      self->has_bounds = TRUE;
      self->west = bounds[0];
      self->south = MAX (bounds[1], -MAX_LATITUDE);
      self->east = bounds[2];
      self->north = MIN (bounds[3], MAX_LATITUDE);
    }
  else
    {
      rc = sqlite3_prepare_v2 (self->db,
                               "SELECT min(tile_column), max(tile_column), min(tile_row), max(tile_row)"
                               " FROM tiles WHERE zoom_level = (SELECT min(zoom_level) FROM tiles)",
                               -1, &stmt, NULL);
      if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW &&
          sqlite3_column_type (stmt, 0) != SQLITE_NULL)
        {
          g_autoptr (sqlite3_stmt) zoom_stmt = NULL;
          int zoom = 0;

          if (sqlite3_prepare_v2 (self->db, "SELECT min(zoom_level) FROM tiles", -1, &zoom_stmt, NULL) == SQLITE_OK &&
              sqlite3_step (zoom_stmt) == SQLITE_ROW)
            zoom = CLAMP (sqlite3_column_int (zoom_stmt, 0), 0, 30);

          {
            int n = 1 << zoom;
            int min_x = CLAMP (sqlite3_column_int (stmt, 0), 0, n - 1);
            int max_x = CLAMP (sqlite3_column_int (stmt, 1), 0, n - 1);
            /* TMS rows count from the south. */
            int min_y = n - 1 - CLAMP (sqlite3_column_int (stmt, 3), 0, n - 1);
            int max_y = n - 1 - CLAMP (sqlite3_column_int (stmt, 2), 0, n - 1);

            self->has_bounds = TRUE;
            self->west = tile_x_to_longitude (min_x, zoom);
            self->east = tile_x_to_longitude (max_x + 1, zoom);
            self->north = tile_y_to_latitude (min_y, zoom);
            self->south = tile_y_to_latitude (max_y + 1, zoom);
          }
        }
      if (rc != SQLITE_ROW)
        {
          set_sqlite_error (self->path, self->db, rc, error);
          return FALSE;
        }
      g_clear_pointer (&stmt, sqlite3_finalize);
    }

  value = g_hash_table_lookup (metadata, "center");
  if (value != NULL && parse_doubles (value, center, 3) &&
      center[0] >= -180.0 && center[0] <= 180.0 && center[1] >= -90.0 && center[1] <= 90.0)
    {
      self->has_center = TRUE;
      self->center_longitude = center[0];
      self->center_latitude = center[1];
      self->center_zoom = CLAMP ((int) center[2], self->min_zoom, self->max_zoom);
    }
  else if (self->has_bounds)
    {
      self->has_center = TRUE;
      self->center_longitude = (self->west + self->east) / 2.0;
      self->center_latitude = (self->south + self->north) / 2.0;
      self->center_zoom = self->min_zoom;
    }

  rc = sqlite3_prepare_v2 (self->db,
                           "SELECT tile_data FROM tiles"
                           " WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3",
                           -1, &self->tile_stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (self->path, self->db, rc, error);
      return FALSE;
    }

  /* One tile's bytes: the format when the metadata has none, and a read
   * through the table's pages (damage found now, not as a blank map). */
  rc = sqlite3_prepare_v2 (self->db,
                           "SELECT tile_data FROM tiles WHERE zoom_level = ?1 LIMIT 1",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int (stmt, 1, self->min_zoom);
      rc = sqlite3_step (stmt);
    }
  if (rc == SQLITE_ROW)
    {
      const guint8 *data = sqlite3_column_blob (stmt, 0);
      const char *sniffed = sniff_format (data, sqlite3_column_bytes (stmt, 0));

      if (self->format == NULL && sniffed != NULL)
        self->format = g_strdup (sniffed);
    }
  else if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self->path, self->db, rc, error);
      return FALSE;
    }

  if (self->format == NULL)
    self->format = g_strdup ("png");

  return TRUE;
}

/* GObject */

static void
amap_mbtiles_finalize (GObject *object)
{
  AmapMbtiles *self = AMAP_MBTILES (object);

  g_clear_pointer (&self->tile_stmt, sqlite3_finalize);
  g_clear_pointer (&self->db, sqlite3_close);
  g_free (self->path);
  g_free (self->name);
  g_free (self->format);
  g_free (self->attribution);
  g_free (self->description);

  G_OBJECT_CLASS (amap_mbtiles_parent_class)->finalize (object);
}

static void
amap_mbtiles_class_init (AmapMbtilesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = amap_mbtiles_finalize;
}

static void
amap_mbtiles_init (AmapMbtiles *self)
{
}

/* Public API */

AmapMbtiles *
amap_mbtiles_open (const char  *path,
                   GError     **error)
{
  g_autoptr (AmapMbtiles) self = NULL;
  g_autofree char *uri = NULL;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_header (path, error))
    return NULL;

  self = g_object_new (AMAP_TYPE_MBTILES, NULL);
  self->path = g_strdup (path);

  uri = read_only_uri (path);
  rc = sqlite3_open_v2 (uri, &self->db,
                        SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (path, self->db, rc, error);
      return NULL;
    }
  sqlite3_extended_result_codes (self->db, TRUE);
  sqlite3_busy_timeout (self->db, 2000);

  if (!load (self, error))
    return NULL;

  g_debug ("Opened %s: %s, zoom %d–%d", path, self->format, self->min_zoom, self->max_zoom);
  return g_steal_pointer (&self);
}

const char *
amap_mbtiles_get_path (AmapMbtiles *self)
{
  g_return_val_if_fail (AMAP_IS_MBTILES (self), NULL);
  return self->path;
}

const char *
amap_mbtiles_get_name (AmapMbtiles *self)
{
  g_return_val_if_fail (AMAP_IS_MBTILES (self), NULL);
  return self->name;
}

const char *
amap_mbtiles_get_format (AmapMbtiles *self)
{
  g_return_val_if_fail (AMAP_IS_MBTILES (self), NULL);
  return self->format;
}

const char *
amap_mbtiles_get_attribution (AmapMbtiles *self)
{
  g_return_val_if_fail (AMAP_IS_MBTILES (self), NULL);
  return self->attribution;
}

const char *
amap_mbtiles_get_description (AmapMbtiles *self)
{
  g_return_val_if_fail (AMAP_IS_MBTILES (self), NULL);
  return self->description;
}

gboolean
amap_mbtiles_get_bounds (AmapMbtiles *self,
                         double      *west,
                         double      *south,
                         double      *east,
                         double      *north)
{
  g_return_val_if_fail (AMAP_IS_MBTILES (self), FALSE);

  if (!self->has_bounds)
    return FALSE;
  if (west != NULL)
    *west = self->west;
  if (south != NULL)
    *south = self->south;
  if (east != NULL)
    *east = self->east;
  if (north != NULL)
    *north = self->north;
  return TRUE;
}

gboolean
amap_mbtiles_get_center (AmapMbtiles *self,
                         double      *longitude,
                         double      *latitude,
                         int         *zoom)
{
  g_return_val_if_fail (AMAP_IS_MBTILES (self), FALSE);

  if (!self->has_center)
    return FALSE;
  if (longitude != NULL)
    *longitude = self->center_longitude;
  if (latitude != NULL)
    *latitude = self->center_latitude;
  if (zoom != NULL)
    *zoom = self->center_zoom;
  return TRUE;
}

int
amap_mbtiles_get_min_zoom (AmapMbtiles *self)
{
  g_return_val_if_fail (AMAP_IS_MBTILES (self), 0);
  return self->min_zoom;
}

int
amap_mbtiles_get_max_zoom (AmapMbtiles *self)
{
  g_return_val_if_fail (AMAP_IS_MBTILES (self), 0);
  return self->max_zoom;
}

gboolean
amap_mbtiles_is_vector (AmapMbtiles *self)
{
  g_return_val_if_fail (AMAP_IS_MBTILES (self), FALSE);
  return g_str_equal (self->format, "pbf");
}

gboolean
amap_mbtiles_contains (AmapMbtiles *self,
                       double       longitude,
                       double       latitude)
{
  g_return_val_if_fail (AMAP_IS_MBTILES (self), FALSE);

  if (!self->has_bounds)
    return TRUE;
  return longitude >= self->west && longitude <= self->east &&
         latitude >= self->south && latitude <= self->north;
}

GBytes *
amap_mbtiles_read_tile (AmapMbtiles  *self,
                        int           zoom,
                        int           x,
                        int           y,
                        GError      **error)
{
  GBytes *bytes = NULL;
  int rc;

  g_return_val_if_fail (AMAP_IS_MBTILES (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (zoom < 0 || zoom > 30 || x < 0 || y < 0 || x >= (1 << zoom) || y >= (1 << zoom))
    return NULL;

  sqlite3_reset (self->tile_stmt);
  sqlite3_bind_int (self->tile_stmt, 1, zoom);
  sqlite3_bind_int (self->tile_stmt, 2, x);
  sqlite3_bind_int (self->tile_stmt, 3, (1 << zoom) - 1 - y);
  rc = sqlite3_step (self->tile_stmt);
  if (rc == SQLITE_ROW)
    {
      const void *data = sqlite3_column_blob (self->tile_stmt, 0);
      int size = sqlite3_column_bytes (self->tile_stmt, 0);

      if (data != NULL && size > 0)
        bytes = g_bytes_new (data, size);
    }
  else if (rc != SQLITE_DONE)
    set_sqlite_error (self->path, self->db, rc, error);
  sqlite3_reset (self->tile_stmt);

  return bytes;
}

/* Writer */

struct _AmapMbtilesWriter
{
  char *path;
  char *tmp_path;
  sqlite3 *db;
  sqlite3_stmt *insert_stmt;
  char *name;
  char *format;
  gboolean committed;

  gboolean has_bounds;
  double west, south, east, north;

  guint n_tiles;
  int min_zoom, max_zoom;
  /* The extent of the tiles at min_zoom, XYZ. */
  int min_x, max_x, min_y, max_y;
};

static gboolean
writer_exec (AmapMbtilesWriter  *writer,
             const char         *sql,
             GError            **error)
{
  int rc = sqlite3_exec (writer->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      g_autofree char *display = g_filename_display_name (writer->path);

      if ((rc & 0xff) == SQLITE_FULL)
        g_set_error (error, AMAP_ERROR, AMAP_ERROR_NO_SPACE,
                     _("The disk is full: “%s” could not be written. Free some space and try again."),
                     display);
      else
        g_set_error (error, AMAP_ERROR, AMAP_ERROR_IO,
                     /* Translators: %s is a file name, then SQLite's own message */
                     _("The offline map “%s” could not be written (%s)."),
                     display, sqlite3_errmsg (writer->db));
      return FALSE;
    }
  return TRUE;
}

static gboolean
writer_fail (AmapMbtilesWriter  *writer,
             int                 rc,
             GError            **error)
{
  g_autofree char *display = g_filename_display_name (writer->path);

  if ((rc & 0xff) == SQLITE_FULL)
    g_set_error (error, AMAP_ERROR, AMAP_ERROR_NO_SPACE,
                 _("The disk is full: “%s” could not be written. Free some space and try again."),
                 display);
  else
    g_set_error (error, AMAP_ERROR, AMAP_ERROR_IO,
                 _("The offline map “%s” could not be written (%s)."),
                 display, sqlite3_errmsg (writer->db));
  return FALSE;
}

AmapMbtilesWriter *
amap_mbtiles_writer_new (const char  *path,
                         const char  *name,
                         const char  *format,
                         GError     **error)
{
  g_autoptr (AmapMbtilesWriter) writer = NULL;
  int fd;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (format != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  writer = g_new0 (AmapMbtilesWriter, 1);
  writer->path = g_strdup (path);
  writer->name = g_strdup (name != NULL ? name : "");
  writer->format = normalize_format (format);
  writer->min_zoom = -1;
  writer->max_zoom = -1;
  writer->tmp_path = g_strconcat (path, ".XXXXXX", NULL);

  fd = g_mkstemp (writer->tmp_path);
  if (fd < 0)
    {
      int saved_errno = errno;
      g_autofree char *display = g_filename_display_name (path);

      g_clear_pointer (&writer->tmp_path, g_free);
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_IO,
                   /* Translators: %s is a file name, then the system's reason */
                   _("The offline map “%s” could not be created: %s. Choose another folder."),
                   display, g_strerror (saved_errno));
      return NULL;
    }
  close (fd);

  rc = sqlite3_open_v2 (writer->tmp_path, &writer->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      writer_fail (writer, rc, error);
      return NULL;
    }
  sqlite3_extended_result_codes (writer->db, TRUE);

  /* The temporary file is thrown away on any failure: no journal needed.
   * commit() syncs the finished file before the rename. */
  if (!writer_exec (writer,
                    "PRAGMA journal_mode = OFF;"
                    "PRAGMA synchronous = OFF;"
                    /* "MPBX", the application_id MBTiles 1.3 asks writers to set. */
                    "PRAGMA application_id = 1297105496;"
                    "BEGIN;"
                    "CREATE TABLE metadata (name TEXT NOT NULL, value TEXT);"
                    "CREATE UNIQUE INDEX metadata_name ON metadata (name);"
                    "CREATE TABLE tiles (zoom_level INTEGER NOT NULL, tile_column INTEGER NOT NULL,"
                    " tile_row INTEGER NOT NULL, tile_data BLOB NOT NULL);"
                    "CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);",
                    error))
    return NULL;

  rc = sqlite3_prepare_v2 (writer->db,
                           "INSERT OR REPLACE INTO tiles (zoom_level, tile_column, tile_row, tile_data)"
                           " VALUES (?1, ?2, ?3, ?4)",
                           -1, &writer->insert_stmt, NULL);
  if (rc != SQLITE_OK)
    {
      writer_fail (writer, rc, error);
      return NULL;
    }

  return g_steal_pointer (&writer);
}

gboolean
amap_mbtiles_writer_set_metadata (AmapMbtilesWriter  *writer,
                                  const char         *key,
                                  const char         *value,
                                  GError            **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (writer != NULL && !writer->committed, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  rc = sqlite3_prepare_v2 (writer->db,
                           "INSERT OR REPLACE INTO metadata (name, value) VALUES (?1, ?2)",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
      if (value != NULL)
        sqlite3_bind_text (stmt, 2, value, -1, SQLITE_TRANSIENT);
      rc = sqlite3_step (stmt);
    }
  if (rc != SQLITE_DONE)
    return writer_fail (writer, rc, error);
  return TRUE;
}

void
amap_mbtiles_writer_set_bounds (AmapMbtilesWriter *writer,
                                double             west,
                                double             south,
                                double             east,
                                double             north)
{
  g_return_if_fail (writer != NULL);

  writer->has_bounds = TRUE;
  writer->west = west;
  writer->south = south;
  writer->east = east;
  writer->north = north;
}

gboolean
amap_mbtiles_writer_add_tile (AmapMbtilesWriter  *writer,
                              int                 zoom,
                              int                 x,
                              int                 y,
                              GBytes             *data,
                              GError            **error)
{
  gsize size;
  const void *bytes;
  int rc;

  g_return_val_if_fail (writer != NULL && !writer->committed, FALSE);
  g_return_val_if_fail (zoom >= 0 && zoom <= 30, FALSE);
  g_return_val_if_fail (x >= 0 && x < (1 << zoom) && y >= 0 && y < (1 << zoom), FALSE);
  g_return_val_if_fail (data != NULL, FALSE);

  bytes = g_bytes_get_data (data, &size);
  sqlite3_reset (writer->insert_stmt);
  sqlite3_bind_int (writer->insert_stmt, 1, zoom);
  sqlite3_bind_int (writer->insert_stmt, 2, x);
  sqlite3_bind_int (writer->insert_stmt, 3, (1 << zoom) - 1 - y);
  sqlite3_bind_blob64 (writer->insert_stmt, 4, bytes, size, SQLITE_STATIC);
  rc = sqlite3_step (writer->insert_stmt);
  sqlite3_reset (writer->insert_stmt);
  sqlite3_clear_bindings (writer->insert_stmt);
  if (rc != SQLITE_DONE)
    return writer_fail (writer, rc, error);

  writer->n_tiles++;
  if (writer->min_zoom < 0 || zoom < writer->min_zoom)
    {
      writer->min_zoom = zoom;
      writer->min_x = writer->max_x = x;
      writer->min_y = writer->max_y = y;
    }
  else if (zoom == writer->min_zoom)
    {
      writer->min_x = MIN (writer->min_x, x);
      writer->max_x = MAX (writer->max_x, x);
      writer->min_y = MIN (writer->min_y, y);
      writer->max_y = MAX (writer->max_y, y);
    }
  writer->max_zoom = MAX (writer->max_zoom, zoom);
  return TRUE;
}

guint
amap_mbtiles_writer_get_n_tiles (AmapMbtilesWriter *writer)
{
  g_return_val_if_fail (writer != NULL, 0);
  return writer->n_tiles;
}

static char *
format_doubles (const double *values,
                guint         n_values)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < n_values; i++)
    {
      char buffer[G_ASCII_DTOSTR_BUF_SIZE];

      if (i > 0)
        g_string_append_c (text, ',');
      g_string_append (text, g_ascii_formatd (buffer, sizeof buffer, "%.7f", values[i]));
    }
  return g_string_free (text, FALSE);
}

gboolean
amap_mbtiles_writer_commit (AmapMbtilesWriter  *writer,
                            GError            **error)
{
  g_autofree char *bounds_text = NULL;
  g_autofree char *center_text = NULL;
  char zoom_text[16];
  double bounds[4];
  int fd;
  int rc;

  g_return_val_if_fail (writer != NULL && !writer->committed, FALSE);

  if (writer->has_bounds)
    {
      bounds[0] = writer->west;
      bounds[1] = writer->south;
      bounds[2] = writer->east;
      bounds[3] = writer->north;
    }
  else if (writer->n_tiles > 0)
    {
      bounds[0] = tile_x_to_longitude (writer->min_x, writer->min_zoom);
      bounds[1] = tile_y_to_latitude (writer->max_y + 1, writer->min_zoom);
      bounds[2] = tile_x_to_longitude (writer->max_x + 1, writer->min_zoom);
      bounds[3] = tile_y_to_latitude (writer->min_y, writer->min_zoom);
    }

  if (!amap_mbtiles_writer_set_metadata (writer, "name", writer->name, error) ||
      !amap_mbtiles_writer_set_metadata (writer, "format", writer->format, error) ||
      !amap_mbtiles_writer_set_metadata (writer, "type", "baselayer", error) ||
      !amap_mbtiles_writer_set_metadata (writer, "version", "1.3", error))
    return FALSE;

  if (writer->has_bounds || writer->n_tiles > 0)
    {
      int min_zoom = MAX (writer->min_zoom, 0);
      int max_zoom = MAX (writer->max_zoom, 0);
      double center[3] = { (bounds[0] + bounds[2]) / 2.0, (bounds[1] + bounds[3]) / 2.0,
                           (min_zoom + max_zoom) / 2 };

      g_autofree char *lon_lat = format_doubles (center, 2);

      bounds_text = format_doubles (bounds, 4);
      center_text = g_strdup_printf ("%s,%d", lon_lat, (int) center[2]);
      if (!amap_mbtiles_writer_set_metadata (writer, "bounds", bounds_text, error) ||
          !amap_mbtiles_writer_set_metadata (writer, "center", center_text, error))
        return FALSE;
    }
  if (writer->n_tiles > 0)
    {
      g_snprintf (zoom_text, sizeof zoom_text, "%d", writer->min_zoom);
      if (!amap_mbtiles_writer_set_metadata (writer, "minzoom", zoom_text, error))
        return FALSE;
      g_snprintf (zoom_text, sizeof zoom_text, "%d", writer->max_zoom);
      if (!amap_mbtiles_writer_set_metadata (writer, "maxzoom", zoom_text, error))
        return FALSE;
    }

  if (!writer_exec (writer, "COMMIT", error))
    return FALSE;
  g_clear_pointer (&writer->insert_stmt, sqlite3_finalize);
  rc = sqlite3_close (writer->db);
  writer->db = NULL;
  if (rc != SQLITE_OK)
    {
      g_autofree char *display = g_filename_display_name (writer->path);

      g_set_error (error, AMAP_ERROR, AMAP_ERROR_IO,
                   _("The offline map “%s” could not be written (%s)."),
                   display, sqlite3_errstr (rc));
      return FALSE;
    }

  /* Readable by others like any saved file (mkstemp made it 0600), and on
   * disk before the rename, so a crash leaves the old file or the new. */
  g_chmod (writer->tmp_path, 0644);
  fd = g_open (writer->tmp_path, O_RDWR, 0);
  if (fd < 0 || g_fsync (fd) != 0 || g_rename (writer->tmp_path, writer->path) != 0)
    {
      int saved_errno = errno;
      g_autofree char *display = g_filename_display_name (writer->path);

      if (fd >= 0)
        close (fd);
      g_set_error (error, AMAP_ERROR, saved_errno == ENOSPC ? AMAP_ERROR_NO_SPACE : AMAP_ERROR_IO,
                   _("The offline map “%s” could not be saved: %s."),
                   display, g_strerror (saved_errno));
      return FALSE;
    }
  close (fd);
  writer->committed = TRUE;
  return TRUE;
}

void
amap_mbtiles_writer_free (AmapMbtilesWriter *writer)
{
  if (writer == NULL)
    return;

  g_clear_pointer (&writer->insert_stmt, sqlite3_finalize);
  g_clear_pointer (&writer->db, sqlite3_close);
  if (!writer->committed && writer->tmp_path != NULL)
    g_unlink (writer->tmp_path);
  g_free (writer->tmp_path);
  g_free (writer->path);
  g_free (writer->name);
  g_free (writer->format);
  g_free (writer);
}

/* test-map-render.c: the map on paper and in a PNG: tiles from an MBTiles
 * file at the right place and zoom, the pins as the window draws them,
 * the legend, the size
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <cairo-pdf.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "amap-asset.h"
#include "amap-category.h"
#include "amap-map-render.h"
#include "amap-mbtiles.h"
#include "amap-pin-render.h"
#include "amap-projection.h"
#include "amap-symbol.h"

/* Fruitvale, Oakland: where the sample neighborhood is. */
#define HOME_LAT 37.7750
#define HOME_LON -122.2245
#define DEEP_ZOOM 15
#define SHALLOW_ZOOM 14
#define ATTRIBUTION "© Test Tiles <a href=\"https://example.org/\">and friends</a> &amp; co"

typedef struct
{
  char *dir;
  char *mbtiles_path;
  int   x0;        /* the fixture's first tile at DEEP_ZOOM, even */
  int   y0;
} Fixture;

/* A distinct color per tile: at the deep zoom a grid of reds and greens
 * over blue 200, at the shallow zoom a magenta. */
static guint32
tile_color (const Fixture *fixture,
            int            zoom,
            int            x,
            int            y)
{
  if (zoom == SHALLOW_ZOOM)
    return 0xd000d0;

  return ((guint32) (40 + 50 * (x - fixture->x0 + 1)) << 16)
         | ((guint32) (40 + 50 * (y - fixture->y0 + 1)) << 8) | 200;
}

static cairo_status_t
append_cb (void                *closure,
           const unsigned char *data,
           unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static GBytes *
draw_tile_png (guint32 color)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 256, 256);
  cairo_t *cr = cairo_create (surface);
  GByteArray *png = g_byte_array_new ();

  cairo_set_source_rgb (cr, ((color >> 16) & 0xff) / 255.0, ((color >> 8) & 0xff) / 255.0,
                        (color & 0xff) / 255.0);
  cairo_paint (cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png_stream (surface, append_cb, png), ==,
                   CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);

  return g_byte_array_free_to_bytes (png);
}

static void
exec_sql (sqlite3    *db,
          const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

/* An MBTiles 1.3 file written with raw SQL, rows in TMS order
 * (row = 2^z − 1 − y): at the deep zoom a 4 × 4 block of tiles around
 * the neighborhood, at the shallow zoom the 2 × 2 block above it. */
static void
write_mbtiles (Fixture *fixture)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char sql[512];
  double w, s, e, n;

  g_assert_cmpint (sqlite3_open (fixture->mbtiles_path, &db), ==, SQLITE_OK);
  exec_sql (db, "CREATE TABLE metadata (name TEXT, value TEXT);"
                "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER,"
                " tile_data BLOB);"
                "CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);");

  amap_projection_pixels_to_location ((fixture->x0 - 1) * 256.0, (fixture->y0 + 3) * 256.0,
                                      DEEP_ZOOM, &s, &w);
  amap_projection_pixels_to_location ((fixture->x0 + 3) * 256.0, (fixture->y0 - 1) * 256.0,
                                      DEEP_ZOOM, &n, &e);
  {
    char ws[G_ASCII_DTOSTR_BUF_SIZE], ss[G_ASCII_DTOSTR_BUF_SIZE];
    char es[G_ASCII_DTOSTR_BUF_SIZE], ns[G_ASCII_DTOSTR_BUF_SIZE];

    g_snprintf (sql, sizeof sql,
                "INSERT INTO metadata VALUES ('name', 'Fruitvale test'), ('format', 'png'),"
                " ('minzoom', '%d'), ('maxzoom', '%d'), ('bounds', '%s,%s,%s,%s'),"
                " ('type', 'baselayer'), ('version', '1.0')",
                SHALLOW_ZOOM, DEEP_ZOOM,
                g_ascii_dtostr (ws, sizeof ws, w), g_ascii_dtostr (ss, sizeof ss, s),
                g_ascii_dtostr (es, sizeof es, e), g_ascii_dtostr (ns, sizeof ns, n));
  }
  exec_sql (db, sql);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO metadata VALUES ('attribution', ?1)",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, ATTRIBUTION, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);

  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO tiles VALUES (?1, ?2, ?3, ?4)", -1,
                                       &stmt, NULL), ==, SQLITE_OK);
  for (int zoom = SHALLOW_ZOOM; zoom <= DEEP_ZOOM; zoom++)
    {
      int shift = DEEP_ZOOM - zoom;
      int first_x = (fixture->x0 - 1) >> shift, last_x = (fixture->x0 + 2) >> shift;
      int first_y = (fixture->y0 - 1) >> shift, last_y = (fixture->y0 + 2) >> shift;

      for (int x = first_x; x <= last_x; x++)
        for (int y = first_y; y <= last_y; y++)
          {
            g_autoptr(GBytes) png = draw_tile_png (tile_color (fixture, zoom, x, y));

            sqlite3_bind_int (stmt, 1, zoom);
            sqlite3_bind_int (stmt, 2, x);
            sqlite3_bind_int (stmt, 3, (1 << zoom) - 1 - y);
            sqlite3_bind_blob (stmt, 4, g_bytes_get_data (png, NULL), g_bytes_get_size (png),
                               SQLITE_TRANSIENT);
            g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
            sqlite3_reset (stmt);
          }
    }
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  double px, py;

  fixture->dir = g_dir_make_tmp ("amap-map-render-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->mbtiles_path = g_build_filename (fixture->dir, "fruitvale.mbtiles", NULL);

  amap_projection_location_to_pixels (HOME_LAT, HOME_LON, DEEP_ZOOM, &px, &py);
  /* Even, so that the 2 × 2 block from (x0, y0) is one tile a zoom up. */
  fixture->x0 = ((int) floor (px / 256)) & ~1;
  fixture->y0 = ((int) floor (py / 256)) & ~1;
  write_mbtiles (fixture);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (fixture->dir);
  g_free (fixture->mbtiles_path);
  g_free (fixture->dir);
}

/* The degrees of the corners of the tiles from (x, y) to (x + n, y + n) at
 * @zoom; @n may be a fraction. */
static void
tile_bounds (int     zoom,
             double  x,
             double  y,
             double  n,
             double *west,
             double *south,
             double *east,
             double *north)
{
  amap_projection_pixels_to_location (x * 256, (y + n) * 256, zoom, south, west);
  amap_projection_pixels_to_location ((x + n) * 256, y * 256, zoom, north, east);
}

static AmapAsset *
new_asset (const char *name,
           const char *category,
           double      latitude,
           double      longitude)
{
  AmapAsset *asset = amap_asset_new (name);

  amap_asset_set_category (asset, category);
  amap_asset_set_location (asset, latitude, longitude);
  return asset;
}

/* A few assets of three built-in categories around the neighborhood. */
static GPtrArray *
sample_assets (void)
{
  GPtrArray *assets = g_ptr_array_new_with_free_func (g_object_unref);

  g_ptr_array_add (assets, new_asset ("Taqueria", AMAP_CATEGORY_BUSINESS, 37.7752, -122.2241));
  g_ptr_array_add (assets, new_asset ("Bakery", AMAP_CATEGORY_BUSINESS, 37.7761, -122.2262));
  g_ptr_array_add (assets, new_asset ("Hardware", AMAP_CATEGORY_BUSINESS, 37.7738, -122.2229));
  g_ptr_array_add (assets, new_asset ("Park", AMAP_CATEGORY_PARK, 37.7770, -122.2220));
  g_ptr_array_add (assets, new_asset ("Garden", AMAP_CATEGORY_PARK, 37.7731, -122.2270));
  g_ptr_array_add (assets, new_asset ("Clinic", AMAP_CATEGORY_HEALTH, 37.7745, -122.2255));

  return assets;
}

static cairo_surface_t *
write_and_read_png (Fixture       *fixture,
                    AmapMapRender *render,
                    const char    *name,
                    int            width,
                    int            height)
{
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  cairo_surface_t *surface;

  g_assert_true (amap_map_render_write_png (render, file, width, height, &error));
  g_assert_no_error (error);
  surface = cairo_image_surface_create_from_png (path);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (surface), ==, width);
  g_assert_cmpint (cairo_image_surface_get_height (surface), ==, height);

  return surface;
}

static guint32
pixel (cairo_surface_t *surface,
       int              x,
       int              y)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);

  cairo_surface_flush (surface);
  return ((const guint32 *) (const void *) (data + (gsize) y * stride))[x] & 0xffffff;
}

static void
assert_color (cairo_surface_t *surface,
              int              x,
              int              y,
              guint32          expected)
{
  guint32 got = pixel (surface, x, y);

  for (int shift = 0; shift <= 16; shift += 8)
    if (abs ((int) ((got >> shift) & 0xff) - (int) ((expected >> shift) & 0xff)) > 3)
      g_error ("Pixel (%d, %d) is #%06x, not #%06x", x, y, got, expected);
}

/* Each tile where it belongs: north up (the TMS rows turned round), west
 * left, the deep zoom when the image is as detailed as it, the shallow
 * zoom's tile when it is half as detailed. */
static void
test_mbtiles_tiles (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AmapMbtiles) mbtiles = amap_mbtiles_open (fixture->mbtiles_path, &error);
  g_autoptr(AmapMapRender) render = amap_map_render_new ();
  g_autoptr(GPtrArray) assets = sample_assets ();
  cairo_surface_t *surface;
  double w, s, e, n;
  int x0 = fixture->x0, y0 = fixture->y0;

  g_assert_no_error (error);
  amap_map_render_set_mbtiles (render, mbtiles);
  amap_map_render_add_assets (render, assets, NULL);

  /* Four deep tiles in 512 × 512 pixels: one tile is 256 pixels. */
  tile_bounds (DEEP_ZOOM, x0, y0, 2, &w, &s, &e, &n);
  amap_map_render_set_bounds (render, w, s, e, n);
  surface = write_and_read_png (fixture, render, "deep.png", 512, 512);
  g_assert_cmpuint (amap_map_render_get_n_tiles_drawn (render), ==, 4);
  /* Away from the pins, which are in the middle and to the south-east;
   * the legend is along the top right. */
  assert_color (surface, 64, 110, tile_color (fixture, DEEP_ZOOM, x0, y0));
  assert_color (surface, 450, 110, tile_color (fixture, DEEP_ZOOM, x0 + 1, y0));
  assert_color (surface, 40, 450, tile_color (fixture, DEEP_ZOOM, x0, y0 + 1));
  assert_color (surface, 470, 470, tile_color (fixture, DEEP_ZOOM, x0 + 1, y0 + 1));
  cairo_surface_destroy (surface);

  /* The same area in 256 × 256: the shallow zoom's one tile. */
  surface = write_and_read_png (fixture, render, "shallow.png", 256, 256);
  g_assert_cmpuint (amap_map_render_get_n_tiles_drawn (render), ==, 1);
  assert_color (surface, 20, 60, tile_color (fixture, SHALLOW_ZOOM, x0 / 2, y0 / 2));
  assert_color (surface, 236, 200, tile_color (fixture, SHALLOW_ZOOM, x0 / 2, y0 / 2));
  cairo_surface_destroy (surface);

  /* A sixteenth of a tile (zoom 19) in 512 pixels: past the file's
   * maxzoom, its deepest tile enlarged rather than nothing. */
  amap_map_render_set_show_legend (render, FALSE);
  tile_bounds (DEEP_ZOOM, x0 + 1, y0 + 1, 1.0 / 16, &w, &s, &e, &n);
  amap_map_render_set_bounds (render, w, s, e, n);
  surface = write_and_read_png (fixture, render, "enlarged.png", 512, 512);
  g_assert_cmpuint (amap_map_render_get_n_tiles_drawn (render), ==, 1);
  assert_color (surface, 256, 256, tile_color (fixture, DEEP_ZOOM, x0 + 1, y0 + 1));
  assert_color (surface, 480, 30, tile_color (fixture, DEEP_ZOOM, x0 + 1, y0 + 1));
  cairo_surface_destroy (surface);

  /* Outside the file: the plain background, and no credit for tiles that
   * are not there. */
  tile_bounds (DEEP_ZOOM, x0 + 40, y0 + 40, 1, &w, &s, &e, &n);
  amap_map_render_set_bounds (render, w, s, e, n);
  surface = write_and_read_png (fixture, render, "outside.png", 300, 300);
  g_assert_cmpuint (amap_map_render_get_n_tiles_drawn (render), ==, 0);
  assert_color (surface, 150, 150, 0xf3f1ec);
  cairo_surface_destroy (surface);
}

static char *
run_pdftotext (const char *pdf)
{
  g_autofree char *out = NULL;
  g_autofree char *program = g_find_program_in_path ("pdftotext");
  g_autoptr(GError) error = NULL;
  int status = 0;
  const char *argv[] = { "pdftotext", "-layout", pdf, "-", NULL };

  if (program == NULL)
    return NULL;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL,
                &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  return g_steal_pointer (&out);
}

/* The size asked for; a legend that is not blank and, on paper, names each
 * category on the map with its count; the file's attribution as text. */
static void
test_legend (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AmapMbtiles) mbtiles = amap_mbtiles_open (fixture->mbtiles_path, &error);
  g_autoptr(AmapMapRender) render = amap_map_render_new ();
  g_autoptr(GPtrArray) assets = sample_assets ();
  g_autofree char *pdf = g_build_filename (fixture->dir, "map.pdf", NULL);
  g_autofree char *text = NULL;
  cairo_surface_t *surface;
  cairo_rectangle_t area;
  guint dark = 0, light = 0;
  cairo_t *cr;

  g_assert_no_error (error);
  amap_map_render_set_mbtiles (render, mbtiles);
  amap_map_render_add_assets (render, assets, NULL);

  surface = write_and_read_png (fixture, render, "legend.png", 1600, 1000);
  g_assert_cmpuint (amap_map_render_get_n_pins_drawn (render), ==, assets->len);
  g_assert_cmpuint (amap_map_render_get_n_categories_shown (render), ==, 3);
  g_assert_true (amap_map_render_get_legend_area (render, &area));
  /* Points to pixels (96 dpi), inside the box's border. */
  for (int y = (int) ceil (area.y * 4 / 3) + 2; y < (int) ((area.y + area.height) * 4 / 3) - 2; y++)
    for (int x = (int) ceil (area.x * 4 / 3) + 2; x < (int) ((area.x + area.width) * 4 / 3) - 2; x++)
      {
        guint32 p = pixel (surface, x, y);
        int r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;

        if (r < 90 && g < 90 && b < 90)
          dark++;  /* text */
        else if (r > 230 && g > 230 && b > 230)
          light++;  /* the box */
      }
  g_assert_cmpuint (dark, >, 80);
  g_assert_cmpuint (light, >, dark);
  cairo_surface_destroy (surface);

  /* A4 landscape in points. */
  surface = cairo_pdf_surface_create (pdf, 842, 595);
  cr = cairo_create (surface);
  amap_map_render_draw (render, cr, 842, 595);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);

  text = run_pdftotext (pdf);
  if (text == NULL)
    {
      g_test_skip ("pdftotext (poppler-utils) is not installed");
      return;
    }
  g_test_message ("%s", text);
  g_assert_true (g_regex_match_simple ("Business\\s+3", text, 0, 0));
  g_assert_true (g_regex_match_simple ("Park / Recreation\\s+2", text, 0, 0));
  g_assert_true (g_regex_match_simple ("Health\\s+1", text, 0, 0));
  g_assert_null (strstr (text, "Faith"));
  /* The file's credit, without its HTML. */
  g_assert_nonnull (strstr (text, "© Test Tiles and friends & co"));
  g_assert_null (strstr (text, "href"));
}

/* With nothing but assets: every one of them framed, pins standing inside
 * the picture (the northernmost head too). */
static void
test_framing (void)
{
  g_autoptr(AmapMapRender) render = amap_map_render_new ();
  g_autoptr(GPtrArray) assets = sample_assets ();
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 800, 500);
  cairo_t *cr = cairo_create (surface);
  guint top_rows_with_pin = 0;
  double head, height;

  amap_map_render_add_assets (render, assets, NULL);
  amap_map_render_set_show_legend (render, FALSE);
  amap_map_render_draw (render, cr, 800, 500);
  cairo_destroy (cr);
  g_assert_cmpuint (amap_map_render_get_n_pins_drawn (render), ==, assets->len);

  /* The northernmost pin (Park, orange-free green) is whole: its color
   * shows below the top edge, and the top rows are background. */
  amap_pin_render_get_size (AMAP_PIN_STYLE_PLAIN, &head, &height);
  for (int y = 2; y < 8; y++)
    for (int x = 2; x < 798; x++)
      if (pixel (surface, x, y) != 0xf3f1ec)
        {
          g_test_message ("(%d, %d) is #%06x", x, y, pixel (surface, x, y));
          top_rows_with_pin++;
        }
  g_assert_cmpuint (top_rows_with_pin, ==, 0);
  cairo_surface_destroy (surface);
}

/* The shared pin: the category's color in the head, its symbol in white,
 * transparent around; the same with an icon nobody has (the location pin
 * then). */
static void
test_pin_surface (void)
{
  const char *icons[] = { "emoji-nature-symbolic", "no-such-icon-symbolic" };
  double width, height, head, pin_height;

  amap_pin_render_get_box (AMAP_PIN_STYLE_PLAIN, &width, &height);
  amap_pin_render_get_size (AMAP_PIN_STYLE_PLAIN, &head, &pin_height);

  if (!amap_symbol_exists ("emoji-nature-symbolic"))
    {
      g_test_skip ("The Adwaita icon theme is not installed");
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (icons); i++)
    {
      cairo_surface_t *surface = amap_pin_render_create_surface ("#26a269", icons[i],
                                                                 AMAP_PIN_STYLE_PLAIN, 2);
      const guint8 *data;
      int stride;
      double top = height - AMAP_PIN_RENDER_MARGIN - pin_height;
      guint white = 0;

      g_assert_cmpint (cairo_image_surface_get_width (surface), ==, (int) ceil (width * 2));
      g_assert_cmpint (cairo_image_surface_get_height (surface), ==, (int) ceil (height * 2));
      cairo_surface_flush (surface);
      data = cairo_image_surface_get_data (surface);
      stride = cairo_image_surface_get_stride (surface);

      /* Premultiplied ARGB, opaque where it counts. */
      g_assert_cmphex (((const guint32 *) (const void *) (data + (int) ((top + 3) * 2) * stride))[(int) width],
                       ==, 0xff26a269);
      g_assert_cmphex (((const guint32 *) (const void *) data)[0], ==, 0);
      for (int y = (int) ((top + 4) * 2); y < (int) ((top + head - 4) * 2); y++)
        for (int x = (int) ((width / 2 - head / 2 + 4) * 2); x < (int) ((width / 2 + head / 2 - 4) * 2); x++)
          if (((const guint32 *) (const void *) (data + y * stride))[x] == 0xffffffff)
            white++;
      g_assert_cmpuint (white, >, 40);
      cairo_surface_destroy (surface);
    }

  /* The PNG bytes are a PNG cairo reads back at the same size. */
  {
    g_autoptr(GBytes) png = amap_pin_render_to_png ("#26a269", icons[0], AMAP_PIN_STYLE_HUB, 1);
    gsize len;
    const guint8 *bytes = g_bytes_get_data (png, &len);

    g_assert_cmpuint (len, >, 8);
    g_assert_cmpmem (bytes, 4, "\x89PNG", 4);
  }
}

/* The symbol reader: the shapes it draws and the ones it must not. */
static void
test_symbol_reader (void)
{
  static const char svg[] =
    "<svg xmlns='http://www.w3.org/2000/svg' width='16' height='16' viewBox='0 0 16 16'>"
    "<defs><path d='M0 0h16v16z'/></defs>"
    "<g opacity='.5' transform='translate(1,1)'>"
    "<path d='M6.793 2.969a1 1 0 00-.752.379L3.225 6.807a1 1 0 00-.225.63v1z'/>"
    "<rect x='1' y='1' width='4' height='3' rx='1'/>"
    "<circle cx='8' cy='8' r='2' style='fill:#000;fill-opacity:.3'/>"
    "</g>"
    "<ellipse cx='4' cy='4' rx='2' ry='1'/>"
    "<polygon points='0,0 4,0 4,4'/>"
    "<path d='M0 0h4v4z' fill='none'/>"
    "<path d='M0 0h4v4z' opacity='0'/>"
    "<path d='M0 0h4v4z' style='display:none'/>"
    "</svg>";
  static const char doctype[] =
    "<?xml version='1.0'?><!DOCTYPE svg [<!ENTITY e 'x'>]>"
    "<svg xmlns='http://www.w3.org/2000/svg'><path d='M0 0h4v4z'/></svg>";

  g_assert_cmpuint (amap_symbol_count_shapes (svg, strlen (svg)), ==, 5);
  g_assert_cmpuint (amap_symbol_count_shapes (doctype, strlen (doctype)), ==, 0);
  g_assert_cmpuint (amap_symbol_count_shapes ("not svg", 7), ==, 0);
  g_assert_false (amap_symbol_exists ("../../etc/passwd"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/map-render/mbtiles-tiles", Fixture, NULL, fixture_setup, test_mbtiles_tiles,
              fixture_teardown);
  g_test_add ("/map-render/legend", Fixture, NULL, fixture_setup, test_legend, fixture_teardown);
  g_test_add_func ("/map-render/framing", test_framing);
  g_test_add_func ("/map-render/pin-surface", test_pin_surface);
  g_test_add_func ("/map-render/symbol-reader", test_symbol_reader);

  return g_test_run ();
}

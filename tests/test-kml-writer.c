/* test-kml-writer.c: the KML and KMZ writers, checked with the tools our
 * users' colleagues use (xmllint against the OGC schema, GDAL, GPSBabel)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxml/xmlwriter.h>

#include "amap-category.h"
#include "amap-geometry.h"
#include "amap-kml-writer.h"
#include "amap-kmz-writer.h"
#include "amap-pin-render.h"
#include "writer-fixtures.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlBuffer, xmlBufferFree)

#define TITLE "Mission & <District> ]]> 北京 map"

typedef struct
{
  GPtrArray *assets;
  char      *dir;
  char      *kml_path;
} Fixture;

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static GBytes *
write_kml (GPtrArray    *assets,
           AmapKmlIcons  icons,
           GPtrArray   **used_categories)
{
  g_autoptr(AmapKmlWriter) writer = amap_kml_writer_new (TITLE);
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  amap_kml_writer_set_icons (writer, icons);
  g_assert_true (amap_kml_writer_write (writer, assets, stream, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_close (stream, NULL, NULL));

  if (used_categories != NULL)
    *used_categories = g_ptr_array_ref (amap_kml_writer_get_used_categories (writer));

  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (stream));
}

static void
save (const char *path,
      GBytes     *bytes)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) kml = NULL;

  fixture->assets = fixture_assets_new ();
  fixture->dir = g_dir_make_tmp ("test-kml-writer-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->kml_path = g_build_filename (fixture->dir, "map.kml", NULL);

  kml = write_kml (fixture->assets, AMAP_KML_ICONS_REMOTE, NULL);
  save (fixture->kml_path, kml);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  remove_tree (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
  g_clear_pointer (&fixture->kml_path, g_free);
  g_clear_pointer (&fixture->assets, g_ptr_array_unref);
}

static AmapAsset *
find_asset_by_name (GPtrArray  *assets,
                    const char *name)
{
  for (guint i = 0; i < assets->len; i++)
    if (g_strcmp0 (amap_asset_get_name (g_ptr_array_index (assets, i)), name) == 0)
      return g_ptr_array_index (assets, i);

  return NULL;
}

/* The schema */

static void
test_validates (Fixture       *fixture,
                gconstpointer  user_data)
{
  fixture_assert_validates (fixture->kml_path);
}

static void
test_validates_kmz_document (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autoptr(GBytes) kml = write_kml (fixture->assets, AMAP_KML_ICONS_PACKAGED, NULL);
  g_autofree char *path = g_build_filename (fixture->dir, "doc.kml", NULL);

  save (path, kml);
  fixture_assert_validates (path);
}

/* What is in the file: parsed back with libxml2 (our own output, trusted) */

typedef struct
{
  xmlDocPtr          doc;
  xmlXPathContextPtr xpath;
} Parsed;

static void
parsed_open (Parsed     *parsed,
             const char *path)
{
  parsed->doc = xmlReadFile (path, NULL, XML_PARSE_NONET);
  g_assert_nonnull (parsed->doc);
  parsed->xpath = xmlXPathNewContext (parsed->doc);
  xmlXPathRegisterNs (parsed->xpath, BAD_CAST "k", BAD_CAST "http://www.opengis.net/kml/2.2");
}

static void
parsed_close (Parsed *parsed)
{
  xmlXPathFreeContext (parsed->xpath);
  xmlFreeDoc (parsed->doc);
}

/* The texts of the nodes @expr selects. */
static GPtrArray *
parsed_texts (Parsed     *parsed,
              xmlNodePtr  context,
              const char *expr)
{
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);
  xmlXPathObjectPtr result;

  parsed->xpath->node = context != NULL ? context : xmlDocGetRootElement (parsed->doc);
  result = xmlXPathEvalExpression (BAD_CAST expr, parsed->xpath);
  g_assert_nonnull (result);

  for (int i = 0; result->nodesetval != NULL && i < result->nodesetval->nodeNr; i++)
    {
      xmlChar *content = xmlNodeGetContent (result->nodesetval->nodeTab[i]);

      g_ptr_array_add (texts, g_strdup ((const char *) content));
      xmlFree (content);
    }
  xmlXPathFreeObject (result);

  return texts;
}

static char *
parsed_text (Parsed     *parsed,
             xmlNodePtr  context,
             const char *expr)
{
  g_autoptr(GPtrArray) texts = parsed_texts (parsed, context, expr);

  g_assert_cmpuint (texts->len, <=, 1);
  return texts->len == 1 ? g_strdup (g_ptr_array_index (texts, 0)) : NULL;
}

static char *
data_value (Parsed     *parsed,
            xmlNodePtr  placemark,
            const char *name)
{
  g_autofree char *expr = g_strdup_printf ("k:ExtendedData/k:Data[@name='%s']/k:value", name);

  return parsed_text (parsed, placemark, expr);
}

static void
assert_data (Parsed     *parsed,
             xmlNodePtr  placemark,
             const char *name,
             const char *expected)
{
  g_autofree char *value = data_value (parsed, placemark, name);

  g_assert_cmpstr (value, ==, expected);
}

static void
check_contacts (const char *json,
                AmapAsset  *asset)
{
  GPtrArray *contacts = amap_asset_get_contacts (asset);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *array;

  if (contacts->len == 0)
    {
      g_assert_null (json);
      return;
    }

  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  array = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (array), ==, contacts->len);

  for (guint i = 0; i < contacts->len; i++)
    {
      AmapContact *contact = g_ptr_array_index (contacts, i);
      JsonObject *object = json_array_get_object_element (array, i);

      g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, amap_contact_get_name (contact));
      g_assert_cmpstr (json_object_get_string_member (object, "role"), ==, amap_contact_get_role (contact));
      g_assert_cmpstr (json_object_get_string_member (object, "phone"), ==, amap_contact_get_phone (contact));
      g_assert_cmpstr (json_object_get_string_member (object, "email"), ==, amap_contact_get_email (contact));
      g_assert_cmpstr (json_object_get_string_member (object, "language"), ==, amap_contact_get_language (contact));
      g_assert_cmpstr (json_object_get_string_member (object, "notes"), ==, amap_contact_get_notes (contact));
    }
}

static void
check_interactions_and_tags (Parsed     *parsed,
                             xmlNodePtr  placemark,
                             AmapAsset  *asset)
{
  GPtrArray *interactions = amap_asset_get_interactions (asset);
  const char * const *tags = amap_asset_get_tags (asset);
  g_autofree char *interactions_json = data_value (parsed, placemark, "interactions");
  g_autofree char *tags_json = data_value (parsed, placemark, "tags");
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *array;

  if (interactions->len == 0)
    g_assert_null (interactions_json);
  else
    {
      g_assert_true (json_parser_load_from_data (parser, interactions_json, -1, NULL));
      array = json_node_get_array (json_parser_get_root (parser));
      g_assert_cmpuint (json_array_get_length (array), ==, interactions->len);
      for (guint i = 0; i < interactions->len; i++)
        {
          AmapInteraction *interaction = g_ptr_array_index (interactions, i);
          JsonObject *object = json_array_get_object_element (array, i);

          g_assert_cmpstr (json_object_get_string_member (object, "date"), ==,
                           amap_interaction_get_date (interaction));
          g_assert_cmpstr (json_object_get_string_member (object, "kind"), ==,
                           amap_interaction_kind_to_string (amap_interaction_get_kind (interaction)));
          g_assert_cmpstr (json_object_get_string_member (object, "notes"), ==,
                           amap_interaction_get_notes (interaction));
        }
    }

  if (tags == NULL || tags[0] == NULL)
    g_assert_null (tags_json);
  else
    {
      g_assert_true (json_parser_load_from_data (parser, tags_json, -1, NULL));
      array = json_node_get_array (json_parser_get_root (parser));
      g_assert_cmpuint (json_array_get_length (array), ==, g_strv_length ((char **) tags));
      for (guint i = 0; tags[i] != NULL; i++)
        g_assert_cmpstr (json_array_get_string_element (array, i), ==, tags[i]);
    }
}

/* The fields the card shows for people (format 3), each right after the
 * field it shows, where the reader expects them. */
static void
check_card_fields (Parsed     *parsed,
                   xmlNodePtr  placemark,
                   AmapAsset  *asset)
{
  const char * const *tags = amap_asset_get_tags (asset);
  GPtrArray *contacts = amap_asset_get_contacts (asset);
  g_autofree char *stage_name = data_value (parsed, placemark, "stage_name");
  g_autofree char *tag_list = data_value (parsed, placemark, "tag_list");
  g_autofree char *key_leaders = data_value (parsed, placemark, "key_leaders");
  g_autoptr(GString) expected = g_string_new (NULL);
  const struct { const char *name, *after; } order[] = {
    { "stage_name", "stage" }, { "tag_list", "tags" }, { "key_leaders", "contacts" },
  };

  g_assert_cmpstr (stage_name, ==, amap_stage_get_display_name (amap_asset_get_stage (asset)));

  if (tags == NULL || tags[0] == NULL)
    g_assert_null (tag_list);
  else
    {
      g_autofree char *joined = g_strjoinv (", ", (char **) tags);

      g_assert_cmpstr (tag_list, ==, joined);
    }

  for (guint i = 0; i < contacts->len; i++)
    {
      AmapContact *contact = g_ptr_array_index (contacts, i);

      if (i > 0)
        g_string_append (expected, "; ");
      g_string_append (expected, amap_contact_get_name (contact));
      if (amap_contact_get_role (contact) != NULL)
        g_string_append_printf (expected, " (%s)", amap_contact_get_role (contact));
      if (amap_contact_get_phone (contact) != NULL)
        g_string_append_printf (expected, ", %s", amap_contact_get_phone (contact));
      if (amap_contact_get_email (contact) != NULL)
        g_string_append_printf (expected, ", %s", amap_contact_get_email (contact));
    }
  g_assert_cmpstr (key_leaders, ==, contacts->len > 0 ? expected->str : NULL);

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      g_autofree char *expr = g_strdup_printf ("k:ExtendedData/k:Data[@name='%s']/preceding-sibling::k:Data[1]/@name",
                                               order[i].name);
      g_autofree char *previous = parsed_text (parsed, placemark, expr);
      g_autofree char *value = data_value (parsed, placemark, order[i].name);

      if (value != NULL)
        g_assert_cmpstr (previous, ==, order[i].after);
    }
}

static void
test_content (Fixture       *fixture,
              gconstpointer  user_data)
{
  Parsed parsed;
  g_autoptr(GPtrArray) folders = NULL;
  g_autoptr(GPtrArray) version = NULL;
  g_autofree char *title = NULL;
  xmlXPathObjectPtr placemarks;
  const char *expected_folders[] = {
    "Business", "Faith-Based Organization", "Nonprofit / Community-Based Org",
    "Park / Recreation", "zz-unknown",
  };

  parsed_open (&parsed, fixture->kml_path);

  title = parsed_text (&parsed, NULL, "/k:kml/k:Document/k:name");
  g_assert_cmpstr (title, ==, TITLE);
  version = parsed_texts (&parsed, NULL,
                          "/k:kml/k:Document/k:ExtendedData/k:Data[@name='asset_map_version']/k:value");
  g_assert_cmpuint (version->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (version, 0), ==, PACKAGE_VERSION);

  /* One folder per category, in the categories' order (built-ins first),
   * named for people. */
  folders = parsed_texts (&parsed, NULL, "/k:kml/k:Document/k:Folder/k:name");
  g_assert_cmpuint (folders->len, ==, G_N_ELEMENTS (expected_folders));
  for (guint i = 0; i < folders->len; i++)
    g_assert_cmpstr (g_ptr_array_index (folders, i), ==, expected_folders[i]);

  parsed.xpath->node = xmlDocGetRootElement (parsed.doc);
  placemarks = xmlXPathEvalExpression (BAD_CAST "//k:Placemark", parsed.xpath);
  g_assert_cmpint (placemarks->nodesetval->nodeNr, ==, fixture->assets->len);

  for (int i = 0; i < placemarks->nodesetval->nodeNr; i++)
    {
      xmlNodePtr placemark = placemarks->nodesetval->nodeTab[i];
      g_autofree char *name = parsed_text (&parsed, placemark, "k:name");
      AmapAsset *asset = find_asset_by_name (fixture->assets, name);
      g_autofree char *id = (char *) xmlGetProp (placemark, BAD_CAST "id");
      g_autofree char *expected_id = g_strconcat ("asset-", amap_asset_get_uuid (asset), NULL);
      g_autofree char *description = parsed_text (&parsed, placemark, "k:description");
      g_autofree char *contacts = data_value (&parsed, placemark, "contacts");
      g_autofree char *style = parsed_text (&parsed, placemark, "k:styleUrl");
      g_autofree char *address = parsed_text (&parsed, placemark, "k:address");
      g_autofree char *phone = parsed_text (&parsed, placemark, "k:phoneNumber");
      g_auto(GStrv) extra_keys = amap_asset_dup_extra_keys (asset);
      g_autofree char *created = NULL;

      g_assert_nonnull (asset);
      g_assert_cmpstr (id, ==, expected_id);
      g_assert_cmpstr (address, ==, amap_asset_get_address (asset));
      g_assert_cmpstr (phone, ==, amap_asset_get_phone (asset));

      /* Every field we store, under the names the reader expects. */
      assert_data (&parsed, placemark, "uuid", amap_asset_get_uuid (asset));
      assert_data (&parsed, placemark, "category", amap_asset_get_category (asset));
      assert_data (&parsed, placemark, "is_hub", amap_asset_get_is_hub (asset) ? "true" : "false");
      assert_data (&parsed, placemark, "stage", amap_stage_to_string (amap_asset_get_stage (asset)));
      assert_data (&parsed, placemark, "address", amap_asset_get_address (asset));
      assert_data (&parsed, placemark, "phone", amap_asset_get_phone (asset));
      assert_data (&parsed, placemark, "email", amap_asset_get_email (asset));
      assert_data (&parsed, placemark, "website", amap_asset_get_website (asset));
      assert_data (&parsed, placemark, "strengths", amap_asset_get_strengths (asset));
      assert_data (&parsed, placemark, "needs", amap_asset_get_needs (asset));
      /* The description is the Placemark's own (format 2), not a Data. */
      g_assert_cmpstr (description, ==, amap_asset_get_description (asset));
      assert_data (&parsed, placemark, "description", NULL);
      assert_data (&parsed, placemark, "last_contacted", amap_asset_get_last_contacted (asset));
      assert_data (&parsed, placemark, "source_id", amap_asset_get_source_id (asset));
      for (guint k = 0; extra_keys[k] != NULL; k++)
        assert_data (&parsed, placemark, extra_keys[k], amap_asset_get_extra (asset, extra_keys[k]));
      check_contacts (contacts, asset);
      check_interactions_and_tags (&parsed, placemark, asset);

      created = data_value (&parsed, placemark, "created");
      {
        g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (created, NULL);

        g_assert_nonnull (dt);
        g_assert_cmpint (g_date_time_to_unix (dt), ==, amap_asset_get_created (asset));
        g_assert_true (g_str_has_suffix (created, "Z"));
      }

      /* The card is the style's: a template over the fields, with the
       * labels and the category, so Google Earth shows every field. */
      {
        g_autofree char *expr = g_strdup_printf ("/k:kml/k:Document/k:Style[@id='%s']/k:BalloonStyle/k:text",
                                                 style + 1);
        g_autofree char *card = parsed_text (&parsed, NULL, expr);
        const char *fields[] = { "$[name]", "$[address]", "$[description]", "$[stage_name]",
                                 "$[strengths]", "$[needs]", "$[phone]", "$[website]",
                                 "$[email]", "$[tag_list]", "$[key_leaders]", "$[last_contacted]",
                                 "Strengths:", "Key leaders:" };
        /* Google Earth puts a value in as it is: not the JSON or the keys. */
        const char *not_fields[] = { "$[stage]", "$[tags]", "$[contacts]" };

        g_assert_nonnull (card);
        for (guint k = 0; k < G_N_ELEMENTS (fields); k++)
          g_assert_nonnull (strstr (card, fields[k]));
        for (guint k = 0; k < G_N_ELEMENTS (not_fields); k++)
          g_assert_null (strstr (card, not_fields[k]));
      }

      check_card_fields (&parsed, placemark, asset);

      g_assert_true (g_str_has_prefix (style, amap_asset_get_is_hub (asset) ? "#hub-" : "#cat-"));
    }
  xmlXPathFreeObject (placemarks);

  parsed_close (&parsed);
}

/* Bad bytes in user text must not make the file unreadable. */
static void
test_invalid_characters (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(GPtrArray) assets = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(AmapAsset) asset = amap_asset_new ("Bell\x07 \xef\xbf\xbf Hall");
  g_autoptr(GBytes) kml = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "control.kml", NULL);
  g_autofree char *name = NULL;
  Parsed parsed;

  amap_asset_set_uuid (asset, "9f000000-0000-4000-8000-000000000009");
  amap_asset_set_category (asset, AMAP_CATEGORY_LIBRARY);
  amap_asset_set_location (asset, 10, 20);
  g_ptr_array_add (assets, g_object_ref (asset));

  kml = write_kml (assets, AMAP_KML_ICONS_REMOTE, NULL);
  save (path, kml);
  fixture_assert_validates (path);

  parsed_open (&parsed, path);
  name = parsed_text (&parsed, NULL, "//k:Placemark/k:name");
  g_assert_cmpstr (name, ==, "Bell  Hall");
  parsed_close (&parsed);
}

/* Text as XML can carry it: valid UTF-8 without the characters XML 1.0
 * forbids (what the writer makes of any text). */
static char *
xml_clean (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  GString *clean = g_string_new (NULL);

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
          (c >= 0xE000 && c <= 0xFFFD) || c >= 0x10000)
        g_string_append_unichar (clean, c);
    }
  return g_string_free (clean, FALSE);
}

/* The writer scans text sixteen bytes at a time: every kind of byte at
 * every place in a block, and at a block's edges, comes out as
 * xmlTextWriter writes the text once cleaned. */
static void
test_text_at_every_offset (Fixture       *fixture,
                           gconstpointer  user_data)
{
  static const char * const pieces[] = {
    "é", "ñé", "\xc3", "\xa9", "\xc3\xc3\xa9", "\xc3\xa9\xa9", "\xc0\x80", "\xc1\xbf",
    "\xdf\xbf", "\xc2\x80", "—", "日本", "😀", "\xef\xbf\xbe", "\xef\xbf\xbf", "\xed\xa0\x80",
    "\x01", "\x1f", "\x7f", "&", "<", ">", "\"", "\r", "\n", "\t", "\xf4\x90\x80\x80", "\xff",
  };

  for (guint offset = 0; offset < 18; offset++)
    for (guint i = 0; i < G_N_ELEMENTS (pieces); i++)
      for (guint tail = 0; tail < 3; tail++)
        {
          g_autoptr(AmapKmlWriter) writer = amap_kml_writer_new (TITLE);
          g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();
          g_autoptr(GError) error = NULL;
          g_autoptr(GBytes) kml = NULL;
          g_autofree char *padding = g_strnfill (offset, 'a');
          g_autofree char *end = g_strnfill (tail * 9, 'z');
          g_autofree char *text = g_strconcat (padding, pieces[i], end, NULL);
          g_autofree char *clean = xml_clean (text);
          g_autofree char *output = NULL;
          g_autoptr(xmlBuffer) buffer = xmlBufferCreate ();
          xmlTextWriterPtr xml = xmlNewTextWriterMemory (buffer, 0);
          const char * const keys[] = { AMAP_CATEGORY_LIBRARY, NULL };
          AmapAssetRecord record = {
            .uuid = "9f000000-0000-4000-8000-00000000000b",
            .name = "n",
            .category = AMAP_CATEGORY_LIBRARY,
            .description = text,
            .latitude = NAN,
            .longitude = NAN,
          };

          g_assert_true (amap_kml_writer_begin (writer, keys, stream, NULL, &error));
          g_assert_true (amap_kml_writer_add_record (writer, &record, &error));
          g_assert_true (amap_kml_writer_end (writer, &error));
          g_assert_no_error (error);
          g_assert_true (g_output_stream_close (stream, NULL, NULL));
          kml = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (stream));
          output = g_strndup (g_bytes_get_data (kml, NULL), g_bytes_get_size (kml));

          g_assert_cmpint (xmlTextWriterWriteElement (xml, BAD_CAST "description", BAD_CAST clean), >=, 0);
          xmlFreeTextWriter (xml);
          if (strstr (output, (const char *) xmlBufferContent (buffer)) == NULL)
            g_error ("piece %u at offset %u: expected %s", i, offset,
                     (const char *) xmlBufferContent (buffer));
        }
}

/* The writer formats its XML, numbers and JSON itself, for speed: each
 * piece must be what the general code writes. The name goes through
 * xmlTextWriter (which wrote these files before), the coordinates through
 * amap_geometry_format_kml_coordinates(), the folders through JSON-GLib. */
static void
test_fast_paths (Fixture       *fixture,
                 gconstpointer  user_data)
{
  static const char * const names[] = {
    "Tom \"T\" & Jerry's <Café> \r\n\ttab", "plain", "]]> in a name", "Ünïcödé — 日本 😀",
  };
  static const double numbers[][2] = {
    { -122.3952016, 37.7551265 }, { 0.5, -0.5 }, { 37.0, 1e-5 }, { 0.0001, -0.00012345 },
    { 99999999.1234567, 1e8 }, { 0.1 + 0.2, 1.0 / 3.0 }, { -179.9999999, 89.12 },
    { 12345678.9, -0.0 }, { 2.5e-7, 123.4567891 },
  };
  static const char * const folders[] = { "Cafés \"&\" bars", "tab\there", "del\x7f", "a\\b", "plain ünï", NULL };
  /* Dates of modification, from year 1 to 9999 and just outside. */
  static const gint64 times[] = {
    -62135596800, 253402300799, 951782400, -1, 1, 4102444800, -62135596801, 253402300800,
    1234567890,
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    for (guint j = 0; j < G_N_ELEMENTS (numbers); j++)
      {
        g_autoptr(GPtrArray) assets = g_ptr_array_new_with_free_func (g_object_unref);
        g_autoptr(AmapAsset) asset = amap_asset_new (names[i]);
        g_autoptr(AmapGeometry) point = amap_geometry_new_point (numbers[j][0], numbers[j][1], NAN);
        g_autofree char *coordinates = amap_geometry_format_kml_coordinates (point);
        g_autoptr(xmlBuffer) buffer = xmlBufferCreate ();
        xmlTextWriterPtr xml = xmlNewTextWriterMemory (buffer, 0);
        g_autoptr(JsonBuilder) builder = json_builder_new ();
        g_autoptr(JsonGenerator) generator = json_generator_new ();
        g_autoptr(JsonNode) root = NULL;
        g_autofree char *json = NULL;
        g_autofree char *expected_json = NULL;
        g_autofree char *expected_coordinates = NULL;
        g_autoptr(GBytes) kml = NULL;
        g_autofree char *text = NULL;
        const char *escaped;

        amap_asset_set_uuid (asset, "9f000000-0000-4000-8000-00000000000a");
        amap_asset_set_category (asset, AMAP_CATEGORY_LIBRARY);
        amap_asset_set_location (asset, numbers[j][1], numbers[j][0]);
        amap_asset_set_folders (asset, folders + (j % 5));
        amap_asset_set_created (asset, (gint64) 86400 * 365 * (j + 1) + i);
        amap_asset_set_modified (asset, times[j]);
        g_ptr_array_add (assets, g_object_ref (asset));

        kml = write_kml (assets, AMAP_KML_ICONS_REMOTE, NULL);
        text = g_strndup (g_bytes_get_data (kml, NULL), g_bytes_get_size (kml));

        /* The dates as GDateTime writes them, none where it cannot. */
        for (guint k = 0; k < 2; k++)
          {
            gint64 t = k == 0 ? amap_asset_get_created (asset) : times[j];
            g_autoptr(GDateTime) date = g_date_time_new_from_unix_utc (t);
            g_autofree char *iso = NULL;
            g_autofree char *line = NULL;

            if (date != NULL)
              iso = g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02dZ", g_date_time_get_year (date),
                                     g_date_time_get_month (date), g_date_time_get_day_of_month (date),
                                     g_date_time_get_hour (date), g_date_time_get_minute (date),
                                     g_date_time_get_second (date));
            line = g_strdup_printf ("<Data name=\"%s\"><value>%s</value></Data>",
                                    k == 0 ? "created" : "modified", iso);

            if (iso != NULL)
              g_assert_nonnull (strstr (text, line));
            else
              g_assert_null (strstr (text, "<Data name=\"modified\">"));
          }

        g_assert_cmpint (xmlTextWriterWriteElement (xml, BAD_CAST "name", BAD_CAST names[i]), >=, 0);
        xmlFreeTextWriter (xml);
        escaped = (const char *) xmlBufferContent (buffer);
        g_assert_nonnull (strstr (text, escaped));

        expected_coordinates = g_strdup_printf ("<coordinates>%s</coordinates>", coordinates);
        g_assert_nonnull (strstr (text, expected_coordinates));

        json_builder_begin_array (builder);
        for (guint k = j % 5; folders[k] != NULL; k++)
          json_builder_add_string_value (builder, folders[k]);
        json_builder_end_array (builder);
        root = json_builder_get_root (builder);
        json_generator_set_root (generator, root);
        json = json_generator_to_data (generator, NULL);
        {
          GString *data = g_string_new ("<Data name=\"folders\"><value>");

          for (const char *p = json; *p != '\0'; p++)
            {
              if (*p == '&')
                g_string_append (data, "&amp;");
              else if (*p == '<')
                g_string_append (data, "&lt;");
              else if (*p == '>')
                g_string_append (data, "&gt;");
              else
                g_string_append_c (data, *p);
            }
          g_string_append (data, "</value></Data>");
          expected_json = g_string_free (data, FALSE);
        }
        g_assert_nonnull (strstr (text, expected_json));
      }
}

/* The same assets in any order give the same bytes. */
static void
test_deterministic (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GPtrArray) reversed = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) second = NULL;
  g_autofree char *contents = NULL;
  gsize len;

  for (guint i = fixture->assets->len; i > 0; i--)
    g_ptr_array_add (reversed, g_object_ref (g_ptr_array_index (fixture->assets, i - 1)));

  first = write_kml (fixture->assets, AMAP_KML_ICONS_REMOTE, NULL);
  second = write_kml (reversed, AMAP_KML_ICONS_REMOTE, NULL);
  g_assert_true (g_bytes_equal (first, second));

  g_assert_true (g_file_get_contents (fixture->kml_path, &contents, &len, NULL));
  g_assert_cmpmem (contents, len, g_bytes_get_data (first, NULL), g_bytes_get_size (first));
}

static void
test_cancelled (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(AmapKmlWriter) writer = amap_kml_writer_new (TITLE);
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  g_assert_false (amap_kml_writer_write (writer, fixture->assets, stream, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* GDAL */

static void
assert_ogr_reads (const char *path,
                  GPtrArray  *assets)
{
  g_autoptr(GPtrArray) features = NULL;

  if (!fixture_have_program ("ogrinfo"))
    {
      g_test_skip ("ogrinfo is not installed (package gdal-bin)");
      return;
    }

  features = fixture_ogrinfo_features (path);
  g_assert_cmpuint (features->len, ==, assets->len);

  for (guint i = 0; i < features->len; i++)
    {
      GHashTable *feature = g_ptr_array_index (features, i);
      const char *name = g_hash_table_lookup (feature, "Name");
      const char *geometry = g_hash_table_lookup (feature, "__geometry");
      AmapAsset *asset = NULL;
      double x, y;

      g_assert_nonnull (name);
      asset = find_asset_by_name (assets, name);
      if (asset == NULL)
        g_error ("GDAL read a feature named “%s” that we did not write", name);

      if (!amap_asset_get_has_location (asset) && amap_asset_get_shape (asset) == NULL)
        {
          g_assert_null (geometry);
          continue;
        }

      g_assert_nonnull (geometry);
      if (amap_asset_get_shape (asset) == NULL || g_str_has_prefix (geometry, "GEOMETRYCOLLECTION"))
        {
          /* A pin: alone, or beside the shape when the user moved it. */
          g_assert_true (fixture_find_point (geometry, &x, &y));
          /* ogrinfo prints 15 significant digits. */
          g_assert_cmpfloat_with_epsilon (x, amap_asset_get_longitude (asset), 1e-9);
          g_assert_cmpfloat_with_epsilon (y, amap_asset_get_latitude (asset), 1e-9);
        }

      if (amap_asset_get_shape (asset) != NULL)
        {
          if (g_str_has_prefix (amap_asset_get_shape (asset), "LINESTRING"))
            {
              /* The pin was moved off the line: both are there. */
              g_assert_true (g_str_has_prefix (geometry, "GEOMETRYCOLLECTION (POINT"));
              g_assert_nonnull (strstr (geometry, "LINESTRING (-122.4101 37.7801,-122.4092 37.7808,-122.4083 37.7812)"));
            }
          else
            {
              /* The pin is where any reader puts it: the plain polygon. */
              g_assert_true (g_str_has_prefix (geometry, "POLYGON ((-122.43 37.76,"));
              g_assert_nonnull (strstr (geometry, "),(-122.427 37.763,"));
            }
        }
    }
}

static void
test_ogrinfo (Fixture       *fixture,
              gconstpointer  user_data)
{
  assert_ogr_reads (fixture->kml_path, fixture->assets);
}

/* GPSBabel: points become waypoints, the line a track. */
static void
test_gpsbabel (Fixture       *fixture,
               gconstpointer  user_data)
{
  const char *argv[] = { "gpsbabel", "-i", "kml", "-f", fixture->kml_path, "-o", "gpx", "-F", "-", NULL };
  g_autofree char *err = NULL;
  g_autofree char *gpx = NULL;
  int status;
  guint n_waypoints = 0;
  guint n_expected = 0;

  if (!fixture_have_program ("gpsbabel"))
    {
      g_test_skip ("gpsbabel is not installed");
      return;
    }

  gpx = fixture_spawn (argv, &err, &status);
  if (gpx == NULL)
    g_error ("gpsbabel failed (%d): %s", status, err);

  for (const char *p = gpx; (p = strstr (p, "<wpt ")) != NULL; p++)
    n_waypoints++;

  for (guint i = 0; i < fixture->assets->len; i++)
    {
      AmapAsset *asset = g_ptr_array_index (fixture->assets, i);
      g_autofree char *wpt = NULL;
      g_autofree char *escaped = NULL;

      if (!amap_asset_get_has_location (asset) || amap_asset_get_shape (asset) != NULL)
        continue;

      n_expected++;
      wpt = g_strdup_printf ("<wpt lat=\"%.9f\" lon=\"%.9f\">",
                             amap_asset_get_latitude (asset), amap_asset_get_longitude (asset));
      g_assert_nonnull (strstr (gpx, wpt));
      escaped = g_markup_escape_text (amap_asset_get_name (asset), -1);
      g_assert_nonnull (strstr (gpx, escaped));
    }
  g_assert_cmpuint (n_waypoints, ==, n_expected);

  g_assert_nonnull (strstr (gpx, "<trkpt lat=\"37.780100000\" lon=\"-122.410100000\"/>"));
}

/* KMZ */

static GBytes *
write_kmz (GPtrArray *assets)
{
  g_autoptr(GPtrArray) categories = NULL;
  g_autoptr(GBytes) kml = write_kml (assets, AMAP_KML_ICONS_PACKAGED, &categories);
  g_autoptr(GInputStream) in = g_memory_input_stream_new_from_bytes (kml);
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  g_assert_true (amap_kmz_writer_write (out, in, g_bytes_get_size (kml), categories, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_close (out, NULL, NULL));

  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

/* Checks a PNG with an independent decoder (Python's zlib, undoing the
 * PNG row filters) and prints the size, the pixel at (argv[2], argv[3]),
 * a corner pixel and how many opaque white pixels lie within argv[6]
 * pixels of (argv[4], argv[5]). */
static const char png_check_script[] =
  "import struct, sys, zlib\n"
  "data = open(sys.argv[1], 'rb').read()\n"
  "assert data[:8] == b'\\x89PNG\\r\\n\\x1a\\n'\n"
  "pos, idat, chunks = 8, b'', []\n"
  "while pos < len(data):\n"
  "    n, kind = struct.unpack('>I4s', data[pos:pos + 8])\n"
  "    body = data[pos + 8:pos + 8 + n]\n"
  "    crc, = struct.unpack('>I', data[pos + 8 + n:pos + 12 + n])\n"
  "    assert zlib.crc32(kind + body) == crc, kind\n"
  "    chunks.append(kind)\n"
  "    if kind == b'IHDR': w, h, depth, ctype, comp, filt, inter = struct.unpack('>IIBBBBB', body)\n"
  "    if kind == b'IDAT': idat += body\n"
  "    pos += 12 + n\n"
  "assert chunks[0] == b'IHDR' and chunks[-1] == b'IEND'\n"
  "assert depth == 8 and ctype == 6 and inter == 0\n"
  "raw = zlib.decompress(idat)\n"
  "stride = w * 4 + 1\n"
  "assert len(raw) == stride * h\n"
  "rows, prev = [], bytearray(w * 4)\n"
  "for y in range(h):\n"
  "    f, line = raw[y * stride], bytearray(raw[y * stride + 1:(y + 1) * stride])\n"
  "    for i in range(len(line)):\n"
  "        a = line[i - 4] if i >= 4 else 0\n"
  "        b = prev[i]\n"
  "        c = prev[i - 4] if i >= 4 else 0\n"
  "        if f == 1: line[i] = (line[i] + a) & 255\n"
  "        elif f == 2: line[i] = (line[i] + b) & 255\n"
  "        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255\n"
  "        elif f == 4:\n"
  "            p = a + b - c\n"
  "            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)\n"
  "            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255\n"
  "        else: assert f == 0, f\n"
  "    rows.append(line)\n"
  "    prev = line\n"
  "def px(x, y):\n"
  "    return '%02x%02x%02x%02x' % tuple(rows[y][4 * x:4 * x + 4])\n"
  "hx, hy, cx, cy, r = [int(v) for v in sys.argv[2:7]]\n"
  "white = sum(1 for y in range(h) for x in range(w)\n"
  "            if (x - cx) ** 2 + (y - cy) ** 2 <= r * r and px(x, y) == 'ffffffff')\n"
  "print(w, h, px(hx, hy), px(0, 0), 'white' if white >= 20 else 'no-symbol')\n";

static void
check_png (const char *dir,
           const char *name,
           const void *data,
           gsize       len,
           const char *color)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *script = g_build_filename (dir, "check_png.py", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *lower = NULL;
  double box_w, box_h, head, height;
  int width, top, hx, hy, cx, cy, r;
  char args[5][16];
  int status;

  if (!fixture_have_program ("python3"))
    {
      g_test_message ("python3 is missing: not decoding %s", name);
      return;
    }

  g_assert_true (g_file_set_contents (path, data, len, NULL));
  g_assert_true (g_file_set_contents (script, png_check_script, -1, NULL));

  /* The app's pin (amap-pin-render.h) at the KMZ's scale: the category
   * color just inside the top of the head, its white symbol in the
   * middle of the head, transparent corners. */
  amap_pin_render_get_box (AMAP_PIN_STYLE_PLAIN, &box_w, &box_h);
  amap_pin_render_get_size (AMAP_PIN_STYLE_PLAIN, &head, &height);
  width = (int) ceil (box_w * AMAP_KMZ_ICON_SCALE);
  top = (int) ((box_h - AMAP_PIN_RENDER_MARGIN - height) * AMAP_KMZ_ICON_SCALE);
  hx = width / 2;
  hy = top + (int) (3 * AMAP_KMZ_ICON_SCALE);
  cx = width / 2;
  cy = top + (int) (head / 2 * AMAP_KMZ_ICON_SCALE);
  r = (int) ((head / 2 - 4) * AMAP_KMZ_ICON_SCALE);
  g_snprintf (args[0], sizeof args[0], "%d", hx);
  g_snprintf (args[1], sizeof args[1], "%d", hy);
  g_snprintf (args[2], sizeof args[2], "%d", cx);
  g_snprintf (args[3], sizeof args[3], "%d", cy);
  g_snprintf (args[4], sizeof args[4], "%d", r);

  {
    const char *argv[] = { "python3", script, path, args[0], args[1], args[2], args[3], args[4],
                           NULL };

    out = fixture_spawn (argv, &err, &status);
  }
  if (out == NULL)
    g_error ("%s is not a valid PNG: %s", name, err);

  lower = g_ascii_strdown (color + 1, -1);
  expected = g_strdup_printf ("%d %d %sff 00000000 white\n", width,
                              (int) ceil (box_h * AMAP_KMZ_ICON_SCALE), lower);
  g_assert_cmpstr (out, ==, expected);
}

static void
test_kmz (Fixture       *fixture,
          gconstpointer  user_data)
{
  g_autoptr(GPtrArray) categories = NULL;
  g_autoptr(GBytes) kml = write_kml (fixture->assets, AMAP_KML_ICONS_PACKAGED, &categories);
  g_autoptr(GBytes) kmz = write_kmz (fixture->assets);
  g_autoptr(GBytes) kmz_again = write_kmz (fixture->assets);
  g_autofree char *kmz_path = g_build_filename (fixture->dir, "map.kmz", NULL);
  g_autoptr(GHashTable) entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  struct archive *archive;
  struct archive_entry *entry;
  guint index = 0;
  Parsed parsed;
  g_autofree char *doc_path = g_build_filename (fixture->dir, "doc.kml", NULL);
  g_autoptr(GPtrArray) hrefs = NULL;

  g_assert_true (g_bytes_equal (kmz, kmz_again));
  save (kmz_path, kmz);

  archive = archive_read_new ();
  archive_read_support_format_zip (archive);
  g_assert_cmpint (archive_read_open_memory (archive, g_bytes_get_data (kmz, NULL),
                                             g_bytes_get_size (kmz)), ==, ARCHIVE_OK);
  while (archive_read_next_header (archive, &entry) == ARCHIVE_OK)
    {
      const char *name = archive_entry_pathname (entry);
      gint64 size = archive_entry_size (entry);
      g_autofree guint8 *data = g_malloc (size + 1);

      g_assert_cmpint (archive_read_data (archive, data, size), ==, size);

      if (index == 0)
        {
          /* doc.kml first, the very document we wrote. */
          g_assert_cmpstr (name, ==, "doc.kml");
          g_assert_cmpmem (data, size, g_bytes_get_data (kml, NULL), g_bytes_get_size (kml));
        }
      else
        {
          AmapCategory *category = g_ptr_array_index (categories, index - 1);
          g_autofree char *expected = amap_kml_writer_dup_icon_path (amap_category_get_key (category));
          const char *color = amap_category_get_color (category);

          g_assert_cmpstr (name, ==, expected);
          g_assert_true (g_str_has_prefix (name, "files/"));
          check_png (fixture->dir, name + strlen ("files/"), data, size, color);
          /* The very pin the map draws (amap-pin-render.c), symbol included. */
          {
            g_autoptr(GBytes) pin = amap_pin_render_to_png (color, amap_category_get_icon_name (category),
                                                            AMAP_PIN_STYLE_PLAIN, AMAP_KMZ_ICON_SCALE);

            g_assert_cmpmem (data, size, g_bytes_get_data (pin, NULL), g_bytes_get_size (pin));
          }
        }
      g_hash_table_add (entries, g_strdup (name));
      index++;
    }
  archive_read_free (archive);
  g_assert_cmpuint (index, ==, categories->len + 1);
  g_assert_true (g_hash_table_contains (entries, "files/zz-unknown.png"));

  /* Every icon the document names is in the archive. */
  save (doc_path, kml);
  parsed_open (&parsed, doc_path);
  hrefs = parsed_texts (&parsed, NULL, "//k:Style/k:IconStyle/k:Icon/k:href");
  g_assert_cmpuint (hrefs->len, >, 0);
  for (guint i = 0; i < hrefs->len; i++)
    g_assert_true (g_hash_table_contains (entries, g_ptr_array_index (hrefs, i)));
  parsed_close (&parsed);

  assert_ogr_reads (kmz_path, fixture->assets);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/kml-writer/validates", test_validates);
  ADD ("/kml-writer/validates-kmz-document", test_validates_kmz_document);
  ADD ("/kml-writer/content", test_content);
  ADD ("/kml-writer/invalid-characters", test_invalid_characters);
  ADD ("/kml-writer/deterministic", test_deterministic);
  ADD ("/kml-writer/fast-paths", test_fast_paths);
  ADD ("/kml-writer/text-at-every-offset", test_text_at_every_offset);
  ADD ("/kml-writer/cancelled", test_cancelled);
  ADD ("/kml-writer/ogrinfo", test_ogrinfo);
  ADD ("/kml-writer/gpsbabel", test_gpsbabel);
  ADD ("/kml-writer/kmz", test_kmz);

#undef ADD

  return g_test_run ();
}

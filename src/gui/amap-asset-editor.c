/* amap-asset-editor.c: the details and editing panel of one asset
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-asset-editor"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "amap-asset-editor.h"
#include "amap-category-dot.h"
#include "amap-error.h"

struct _AmapAssetEditor
{
  GtkWidget        parent_instance;

  AmapStore       *store;
  /* The working copy; NULL when nothing is shown. */
  AmapAsset       *asset;
  guint            loading;
  gboolean         dirty;
  gboolean         valid;
  /* The row of the first field that cannot be saved (a child, not a
   * reference); NULL when valid. For a key leader, @bad_row is its
   * expander and @bad_entry the entry at fault inside. */
  GtkWidget       *bad_row;
  GtkWidget       *bad_entry;

  /* Changes apply as they are made: a toggle or a choice at once, typing
   * once it pauses (or the focus leaves the editor). What was applied for
   * one field in a row is one undo step. */
  guint            apply_source;
  gboolean         applying;
  gpointer         pending_field;  /* the widget changed since the last apply */
  gpointer         applied_field;  /* the widget the last apply was for */
  gconstpointer    applied_step;   /* the undo step it made (identity only) */
  AmapAsset       *applied;        /* the asset as the last apply stored it */
  gboolean         syncing_calendar;

  GtkWidget       *back_button;
  AmapCategoryDot *header_dot;
  GtkLabel        *title_label;
  AdwEntryRow     *name_row;
  AdwComboRow     *category_row;
  AdwComboRow     *stage_row;
  GtkSwitch       *hub_switch;
  AdwEntryRow     *address_row;
  AdwEntryRow     *latitude_row;
  AdwEntryRow     *longitude_row;
  AdwEntryRow     *website_row;
  AdwEntryRow     *phone_row;
  AdwEntryRow     *email_row;
  GtkWidget       *website_button;
  GtkWidget       *phone_button;
  GtkWidget       *email_button;
  GtkTextView     *description_view;
  GtkTextView     *strengths_view;
  GtkTextView     *needs_view;
  AdwEntryRow     *last_contacted_row;
  AdwEntryRow     *tags_row;
  GtkListBox      *contacts_list;
  GtkToggleButton *log_button;
  GtkRevealer     *log_revealer;
  AdwComboRow     *log_kind_row;
  AdwEntryRow     *log_date_row;
  AdwEntryRow     *log_notes_row;
  GtkListBox      *log_list;
  GtkWidget       *footer;
  AdwActionRow    *geocoded_row;
  AdwActionRow    *layer_row;
  GtkLabel        *error_label;
  GtkLabel        *status_label;

  /* The location "Find on Map" put in the fields (NAN: none), and where
   * the location came from before it. */
  double           found_latitude;
  double           found_longitude;
};

/* What a key leader's row holds. */
typedef struct
{
  AmapAssetEditor *editor;
  AmapContact     *contact;
  AdwExpanderRow  *expander;
  GtkWidget       *name_entry;
  GtkWidget       *email_entry;
} ContactRowData;

/* How long typing pauses before what was typed is applied. */
#define APPLY_DELAY_MS 500

enum {
  PROP_0,
  PROP_STORE,
  PROP_UUID,
  PROP_DIRTY,
  PROP_VALID,
  N_PROPS
};

enum {
  SAVED,
  FIND_ON_MAP,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (AmapAssetEditor, amap_asset_editor, GTK_TYPE_WIDGET)

static void rebuild_contacts (AmapAssetEditor *self);
static void rebuild_log      (AmapAssetEditor *self);
static void field_changed    (AmapAssetEditor *self,
                              gpointer         field,
                              gboolean         at_once);
static gboolean apply_changes (AmapAssetEditor  *self,
                               GError          **error);
static void load_asset       (AmapAssetEditor *self,
                              AmapAsset       *asset);

/* Helpers */

static char *
get_text_view_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
set_text_view_text (GtkTextView *view,
                    const char  *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), text != NULL ? text : "", -1);
}

static const char *
entry_text (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static void
set_entry_text (AdwEntryRow *row,
                const char  *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
}

static char *
strip_dup (const char *text)
{
  char *copy = g_strstrip (g_strdup (text != NULL ? text : ""));

  if (copy[0] == '\0')
    g_clear_pointer (&copy, g_free);
  return copy;
}

static char *
format_coordinate (double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (isnan (value))
    return g_strdup ("");
  return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.6f", value));
}

/* Parses a coordinate typed by a person: a dot or a comma as the decimal
 * separator, surrounding spaces ignored. */
static gboolean
parse_coordinate (const char *text,
                  double     *value)
{
  g_autofree char *copy = strip_dup (text);
  char *end = NULL;

  if (copy == NULL)
    return FALSE;
  g_strdelimit (copy, ",", '.');
  *value = g_ascii_strtod (copy, &end);
  return end != copy && *end == '\0' && isfinite (*value);
}

static void
set_row_error (GtkWidget *row,
               gboolean   error)
{
  if (error)
    gtk_widget_add_css_class (row, "error");
  else
    gtk_widget_remove_css_class (row, "error");
}

static AmapCategory *
lookup_category (AmapAssetEditor *self,
                 const char      *key)
{
  if (self->store == NULL || key == NULL)
    return NULL;
  return amap_store_lookup_category (self->store, key);
}

static void
update_header (AmapAssetEditor *self)
{
  AmapCategory *category = NULL;
  const char *name = NULL;

  if (self->asset != NULL)
    {
      category = lookup_category (self, amap_asset_get_category (self->asset));
      name = amap_asset_get_name (self->asset);
    }

  gtk_label_set_label (self->title_label, name != NULL ? name : _("Unnamed Asset"));
  amap_category_dot_set_color (self->header_dot, category ? amap_category_get_color (category) : NULL);
  amap_category_dot_set_icon_name (self->header_dot, category ? amap_category_get_icon_name (category)
                                                              : "mark-location-symbolic");
}

static void
update_actions (AmapAssetEditor *self)
{
  gboolean read_only = self->store == NULL || amap_store_get_read_only (self->store);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.save",
                                 self->asset != NULL && self->dirty && self->valid && !read_only);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.add-contact", self->asset != NULL && !read_only);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.log-interaction", self->asset != NULL && !read_only);

  /* Changes apply as they are made: the footer speaks only when they
   * cannot. */
  if (read_only && self->asset != NULL)
    gtk_label_set_label (self->status_label,
                         _("This map is read-only: changes cannot be saved. Open a copy to edit it."));
  else
    gtk_label_set_label (self->status_label, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), read_only && self->asset != NULL);
  gtk_widget_set_visible (self->footer,
                          gtk_widget_get_visible (GTK_WIDGET (self->status_label)) ||
                          gtk_widget_get_visible (GTK_WIDGET (self->error_label)));
}

static void
show_error (AmapAssetEditor *self,
            const char      *message)
{
  gtk_label_set_label (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
  update_actions (self);
}

/* A plausible email address: something, an "@", then a domain with no
 * spaces. Mail clients refuse anything less. */
static gboolean
email_is_plausible (const char *email)
{
  const char *at = strchr (email, '@');

  if (at == NULL || at == email || at[1] == '\0' || strchr (at + 1, '@') != NULL)
    return FALSE;
  for (const char *p = email; *p != '\0'; p++)
    if (g_ascii_isspace (*p))
      return FALSE;
  return TRUE;
}

static char *
describe_bad_email (const char *email)
{
  /* Translators: %s is what was typed as an email address. */
  return g_strdup_printf (_("“%s” is not an email address. Write it with an “@”, like name@example.org."),
                          email);
}

/* A key leader added but not written yet: not an error, not stored. */
static gboolean
contact_is_empty (AmapContact *contact)
{
  static const char *fields[] = { "name", "role", "phone", "email", "language", "notes" };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autofree char *value = NULL;

      g_object_get (contact, fields[i], &value, NULL);
      if (value != NULL && g_strstrip (value)[0] != '\0')
        return FALSE;
    }
  return TRUE;
}

static void
set_dirty (AmapAssetEditor *self,
           gboolean         dirty)
{
  if (self->dirty == dirty)
    return;
  self->dirty = dirty;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIRTY]);
}

static void
set_valid (AmapAssetEditor *self,
           gboolean         valid)
{
  if (self->valid == valid)
    return;
  self->valid = valid;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALID]);
}

/* Reads the fields into the working copy and checks them. Returns the
 * first problem (and the row it is on) or NULL. */
static char *
read_fields (AmapAssetEditor  *self,
             GtkWidget       **bad_row)
{
  g_autofree char *name = strip_dup (entry_text (self->name_row));
  g_autofree char *lat_text = strip_dup (entry_text (self->latitude_row));
  g_autofree char *lon_text = strip_dup (entry_text (self->longitude_row));
  g_autofree char *last = strip_dup (entry_text (self->last_contacted_row));
  g_autofree char *address = strip_dup (entry_text (self->address_row));
  g_autofree char *email = strip_dup (entry_text (self->email_row));
  g_autofree char *description = get_text_view_text (self->description_view);
  g_autofree char *strengths = get_text_view_text (self->strengths_view);
  g_autofree char *needs = get_text_view_text (self->needs_view);
  g_auto(GStrv) tag_parts = NULL;
  g_autoptr(GPtrArray) tags = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  GPtrArray *contacts;
  AmapCategory *category;
  guint position;
  double lat = NAN, lon = NAN;

  *bad_row = NULL;
  self->bad_entry = NULL;

  amap_asset_set_name (self->asset, name);
  position = adw_combo_row_get_selected (self->category_row);
  category = adw_combo_row_get_selected_item (self->category_row);
  if (position != GTK_INVALID_LIST_POSITION && category != NULL)
    amap_asset_set_category (self->asset, amap_category_get_key (category));
  position = adw_combo_row_get_selected (self->stage_row);
  if (position != GTK_INVALID_LIST_POSITION)
    amap_asset_set_stage (self->asset, (AmapStage) position);
  amap_asset_set_is_hub (self->asset, gtk_switch_get_active (self->hub_switch));
  amap_asset_set_address (self->asset, address);
  amap_asset_set_website (self->asset, entry_text (self->website_row));
  amap_asset_set_phone (self->asset, entry_text (self->phone_row));
  amap_asset_set_email (self->asset, entry_text (self->email_row));
  amap_asset_set_description (self->asset, g_strstrip (description));
  amap_asset_set_strengths (self->asset, g_strstrip (strengths));
  amap_asset_set_needs (self->asset, g_strstrip (needs));
  amap_asset_set_last_contacted (self->asset, last);

  tag_parts = g_strsplit (entry_text (self->tags_row), ",", -1);
  for (guint i = 0; tag_parts[i] != NULL; i++)
    {
      char *tag = g_strstrip (tag_parts[i]);
      if (tag[0] != '\0')
        g_ptr_array_add (tags, g_strdup (tag));
    }
  g_ptr_array_add (tags, NULL);
  amap_asset_set_tags (self->asset, (const char * const *) tags->pdata);

  /* Coordinates: both or neither. */
  if (lat_text == NULL && lon_text == NULL)
    {
      amap_asset_clear_location (self->asset);
    }
  else if (lat_text == NULL || lon_text == NULL)
    {
      *bad_row = GTK_WIDGET (lat_text == NULL ? self->latitude_row : self->longitude_row);
      return g_strdup (_("Enter both latitude and longitude, or leave both empty for an asset without a location."));
    }
  else if (!parse_coordinate (lat_text, &lat))
    {
      *bad_row = GTK_WIDGET (self->latitude_row);
      return g_strdup (_("Latitude must be a number of degrees, like 37.7749."));
    }
  else if (!parse_coordinate (lon_text, &lon))
    {
      *bad_row = GTK_WIDGET (self->longitude_row);
      return g_strdup (_("Longitude must be a number of degrees, like -122.2194."));
    }
  else
    {
      g_autofree char *shown_lat = format_coordinate (lat);
      g_autofree char *shown_lon = format_coordinate (lon);
      g_autofree char *stored_lat = format_coordinate (amap_asset_get_latitude (self->asset));
      g_autofree char *stored_lon = format_coordinate (amap_asset_get_longitude (self->asset));

      /* The fields show six decimals: while they still show the stored
       * location, the stored one (with all its digits) stays. */
      if (!amap_asset_get_has_location (self->asset) ||
          !g_str_equal (shown_lat, stored_lat) || !g_str_equal (shown_lon, stored_lon))
        {
          amap_asset_set_location (self->asset, lat, lon);
          /* Found by place search while the fields still say so: marked
           * for the person to check; typed: theirs. */
          if (!isnan (self->found_latitude))
            amap_asset_set_location_source (self->asset,
                                            fabs (lat - self->found_latitude) < 5e-7 &&
                                            fabs (lon - self->found_longitude) < 5e-7
                                            ? AMAP_LOCATION_SOURCE_GEOCODED : AMAP_LOCATION_SOURCE_MANUAL);
          else
            amap_asset_set_location_source (self->asset, AMAP_LOCATION_SOURCE_MANUAL);
        }
    }

  if (name == NULL)
    {
      *bad_row = GTK_WIDGET (self->name_row);
      if (!amap_asset_validate (self->asset, &error))
        return g_strdup (error->message);
      return g_strdup (_("Enter a name."));
    }

  if (!amap_asset_validate (self->asset, &error))
    {
      if (!isnan (lat) && (lat < -90 || lat > 90))
        *bad_row = GTK_WIDGET (self->latitude_row);
      else if (!isnan (lon))
        *bad_row = GTK_WIDGET (self->longitude_row);
      else
        *bad_row = GTK_WIDGET (self->name_row);
      return g_strdup (error->message);
    }

  if (last != NULL && !amap_date_is_valid (last))
    {
      *bad_row = GTK_WIDGET (self->last_contacted_row);
      return g_strdup (_("Write the date of last contact as YYYY-MM-DD, like 2024-03-15."));
    }

  if (email != NULL && !email_is_plausible (email))
    {
      *bad_row = GTK_WIDGET (self->email_row);
      return describe_bad_email (email);
    }

  contacts = amap_asset_get_contacts (self->asset);
  for (guint i = 0; i < contacts->len; i++)
    {
      AmapContact *contact = g_ptr_array_index (contacts, i);
      g_autofree char *contact_name = strip_dup (amap_contact_get_name (contact));
      g_autofree char *contact_email = strip_dup (amap_contact_get_email (contact));
      GtkWidget *row = GTK_WIDGET (gtk_list_box_get_row_at_index (self->contacts_list, i));
      ContactRowData *data = row != NULL ? g_object_get_data (G_OBJECT (row), "amap-contact-data") : NULL;

      /* Just added, nothing typed yet: nothing to complain about. */
      if (contact_is_empty (contact))
        continue;

      if (contact_name == NULL)
        {
          *bad_row = row;
          self->bad_entry = data != NULL ? data->name_entry : NULL;
          return g_strdup (_("Every key leader needs a name."));
        }
      if (contact_email != NULL && !email_is_plausible (contact_email))
        {
          *bad_row = row;
          self->bad_entry = data != NULL ? data->email_entry : NULL;
          return describe_bad_email (contact_email);
        }
    }

  return NULL;
}

static void
validate (AmapAssetEditor *self)
{
  g_autofree char *problem = NULL;
  GtkWidget *bad_row = NULL;
  GtkWidget *rows[] = {
    GTK_WIDGET (self->name_row), GTK_WIDGET (self->latitude_row),
    GTK_WIDGET (self->longitude_row), GTK_WIDGET (self->last_contacted_row),
    GTK_WIDGET (self->email_row),
  };

  if (self->asset == NULL)
    return;

  problem = read_fields (self, &bad_row);

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    set_row_error (rows[i], rows[i] == bad_row);
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->contacts_list));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      ContactRowData *data = g_object_get_data (G_OBJECT (child), "amap-contact-data");

      set_row_error (child, child == bad_row);
      if (data != NULL)
        {
          set_row_error (data->name_entry, data->name_entry == self->bad_entry);
          set_row_error (data->email_entry, data->email_entry == self->bad_entry);
        }
    }

  self->bad_row = bad_row;
  set_valid (self, problem == NULL);
  update_header (self);
  show_error (self, problem);
}

/* The fields that can hold something the store refuses, by name: what
 * amap_asset_editor_save_valid() puts back and reports. */
static AdwEntryRow *
row_for_field (AmapAssetEditor *self,
               const char      *field)
{
  if (g_str_equal (field, "name"))
    return self->name_row;
  if (g_str_equal (field, "latitude"))
    return self->latitude_row;
  if (g_str_equal (field, "longitude"))
    return self->longitude_row;
  if (g_str_equal (field, "last-contacted"))
    return self->last_contacted_row;
  if (g_str_equal (field, "email"))
    return self->email_row;
  return NULL;
}

static const char *
field_for_row (AmapAssetEditor *self,
               GtkWidget       *row)
{
  if (row == GTK_WIDGET (self->name_row))
    return "name";
  if (row == GTK_WIDGET (self->latitude_row))
    return "latitude";
  if (row == GTK_WIDGET (self->longitude_row))
    return "longitude";
  if (row == GTK_WIDGET (self->last_contacted_row))
    return "last-contacted";
  if (row == GTK_WIDGET (self->email_row))
    return "email";
  return NULL;
}

/* The text of @field as @asset stores it, as the editor shows it. */
static char *
stored_text (AmapAsset  *asset,
             const char *field)
{
  if (g_str_equal (field, "name"))
    return g_strdup (amap_asset_get_name (asset) != NULL ? amap_asset_get_name (asset) : "");
  if (g_str_equal (field, "latitude"))
    return format_coordinate (amap_asset_get_latitude (asset));
  if (g_str_equal (field, "longitude"))
    return format_coordinate (amap_asset_get_longitude (asset));
  if (g_str_equal (field, "last-contacted"))
    return g_strdup (amap_asset_get_last_contacted (asset) != NULL ? amap_asset_get_last_contacted (asset) : "");
  if (g_str_equal (field, "email"))
    return g_strdup (amap_asset_get_email (asset) != NULL ? amap_asset_get_email (asset) : "");
  g_assert_not_reached ();
}

/* A short sentence for a toast: what "Save the Rest" did not keep. */
static char *
describe_not_kept (GHashTable *typed,
                   const char *contact_note)
{
  guint n = g_hash_table_size (typed);
  const char *text;

  if (n == 0)
    return g_strdup (contact_note);
  if (n > 1)
    /* Translators: a toast after "Save the Rest"; %u is 2 or more. */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Saved; %u field that could not be saved was not kept",
                                         "Saved; %u fields that could not be saved were not kept", n),
                            n);

  if ((text = g_hash_table_lookup (typed, "latitude")) != NULL)
    /* Translators: a toast after "Save the Rest"; %s is what was typed. */
    return g_strdup_printf (_("Saved; the latitude “%s” was not kept"), text);
  if ((text = g_hash_table_lookup (typed, "longitude")) != NULL)
    /* Translators: a toast after "Save the Rest"; %s is what was typed. */
    return g_strdup_printf (_("Saved; the longitude “%s” was not kept"), text);
  if ((text = g_hash_table_lookup (typed, "last-contacted")) != NULL)
    /* Translators: a toast after "Save the Rest"; %s is what was typed. */
    return g_strdup_printf (_("Saved; the date of last contact “%s” was not kept"), text);
  if ((text = g_hash_table_lookup (typed, "email")) != NULL)
    /* Translators: a toast after "Save the Rest"; %s is what was typed. */
    return g_strdup_printf (_("Saved; the email “%s” was not kept"), text);
  return g_strdup (_("Saved; the empty name was not kept"));
}

/* Where the shown asset came from: its layer in an imported file, and a
 * location found from its address that the person has yet to check. */
static void
update_origin_rows (AmapAssetEditor *self)
{
  g_autofree char *layer = self->asset != NULL ? amap_asset_dup_folder_label (self->asset) : NULL;

  adw_action_row_set_subtitle (self->layer_row, layer != NULL ? layer : "");
  gtk_widget_set_visible (GTK_WIDGET (self->layer_row), layer != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->geocoded_row),
                          self->asset != NULL && amap_asset_get_has_location (self->asset) &&
                          amap_asset_get_location_source (self->asset) == AMAP_LOCATION_SOURCE_GEOCODED);
}

static void
load_fields (AmapAssetEditor *self)
{
  g_autofree char *lat = NULL;
  g_autofree char *lon = NULL;
  g_autofree char *tags = NULL;
  AmapAsset *asset = self->asset;
  GListModel *categories;
  guint category_position = GTK_INVALID_LIST_POSITION;

  self->loading++;

  if (asset == NULL)
    {
      set_entry_text (self->name_row, NULL);
      self->loading--;
      return;
    }

  categories = amap_store_get_categories (self->store);
  for (guint i = 0; i < g_list_model_get_n_items (categories); i++)
    {
      g_autoptr(AmapCategory) category = g_list_model_get_item (categories, i);

      if (g_strcmp0 (amap_category_get_key (category), amap_asset_get_category (asset)) == 0)
        category_position = i;
    }

  lat = format_coordinate (amap_asset_get_latitude (asset));
  lon = format_coordinate (amap_asset_get_longitude (asset));
  tags = g_strjoinv (", ", (char **) amap_asset_get_tags (asset));

  set_entry_text (self->name_row, amap_asset_get_name (asset));
  adw_combo_row_set_selected (self->category_row, category_position);
  adw_combo_row_set_selected (self->stage_row, amap_asset_get_stage (asset));
  gtk_switch_set_active (self->hub_switch, amap_asset_get_is_hub (asset));
  set_entry_text (self->address_row, amap_asset_get_address (asset));
  set_entry_text (self->latitude_row, lat);
  set_entry_text (self->longitude_row, lon);
  set_entry_text (self->website_row, amap_asset_get_website (asset));
  set_entry_text (self->phone_row, amap_asset_get_phone (asset));
  set_entry_text (self->email_row, amap_asset_get_email (asset));
  set_text_view_text (self->description_view, amap_asset_get_description (asset));
  set_text_view_text (self->strengths_view, amap_asset_get_strengths (asset));
  set_text_view_text (self->needs_view, amap_asset_get_needs (asset));
  set_entry_text (self->last_contacted_row, amap_asset_get_last_contacted (asset));
  set_entry_text (self->tags_row, tags);

  rebuild_contacts (self);
  rebuild_log (self);
  update_origin_rows (self);

  self->loading--;
}

static void
open_uri (AmapAssetEditor *self,
          const char      *uri)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  gtk_show_uri (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, uri, GDK_CURRENT_TIME);
}

/* Contacts */

static void
contact_row_data_free (gpointer user_data)
{
  ContactRowData *data = user_data;

  g_clear_object (&data->contact);
  g_free (data);
}

static void
contact_entry_changed_cb (GtkEditable *editable,
                          gpointer     user_data)
{
  ContactRowData *data = user_data;
  const char *field = g_object_get_data (G_OBJECT (editable), "amap-field");
  g_autofree char *text = strip_dup (gtk_editable_get_text (editable));

  if (data->editor->loading > 0)
    return;

  g_object_set (data->contact, field, text, NULL);
  if (g_str_equal (field, "name"))
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (data->expander),
                                   text != NULL ? text : _("New Key Leader"));
  if (g_str_equal (field, "role"))
    adw_expander_row_set_subtitle (data->expander, text);

  field_changed (data->editor, editable, FALSE);
}

static void
remove_contact_clicked_cb (GtkButton *button,
                           gpointer   user_data)
{
  ContactRowData *data = user_data;
  AmapAssetEditor *self = data->editor;

  amap_asset_remove_contact (self->asset, data->contact);
  rebuild_contacts (self);
  field_changed (self, self->contacts_list, TRUE);
}

static GtkWidget *
create_contact_row (AmapAssetEditor *self,
                    AmapContact     *contact)
{
  static const struct {
    const char *field;
    const char *title;
    GtkInputPurpose purpose;
  } fields[] = {
    { "name", N_("Name"), GTK_INPUT_PURPOSE_NAME },
    { "role", N_("Role"), GTK_INPUT_PURPOSE_FREE_FORM },
    { "phone", N_("Phone"), GTK_INPUT_PURPOSE_PHONE },
    { "email", N_("Email"), GTK_INPUT_PURPOSE_EMAIL },
    { "language", N_("Preferred Language"), GTK_INPUT_PURPOSE_FREE_FORM },
    { "notes", N_("Notes"), GTK_INPUT_PURPOSE_FREE_FORM },
  };
  ContactRowData *data = g_new0 (ContactRowData, 1);
  GtkWidget *expander = adw_expander_row_new ();
  GtkWidget *remove_row;
  GtkWidget *remove_button;
  const char *name = amap_contact_get_name (contact);

  data->editor = self;
  data->contact = g_object_ref (contact);
  data->expander = ADW_EXPANDER_ROW (expander);
  g_object_set_data_full (G_OBJECT (expander), "amap-contact-data", data, contact_row_data_free);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander),
                                 name != NULL ? name : _("New Key Leader"));
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (expander), amap_contact_get_role (contact));

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      GtkWidget *row = adw_entry_row_new ();
      g_autofree char *value = NULL;

      g_object_get (contact, fields[i].field, &value, NULL);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(fields[i].title));
      gtk_editable_set_text (GTK_EDITABLE (row), value != NULL ? value : "");
      adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (row), fields[i].purpose);
      g_object_set_data (G_OBJECT (row), "amap-field", (gpointer) fields[i].field);
      g_signal_connect (row, "changed", G_CALLBACK (contact_entry_changed_cb), data);
      if (g_str_equal (fields[i].field, "name"))
        data->name_entry = row;
      else if (g_str_equal (fields[i].field, "email"))
        data->email_entry = row;
      adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), row);
    }

  remove_button = gtk_button_new_with_mnemonic (_("_Remove Key Leader"));
  gtk_widget_add_css_class (remove_button, "destructive-action");
  gtk_widget_set_halign (remove_button, GTK_ALIGN_END);
  gtk_widget_set_margin_top (remove_button, 6);
  gtk_widget_set_margin_bottom (remove_button, 6);
  gtk_widget_set_margin_end (remove_button, 6);
  g_signal_connect (remove_button, "clicked", G_CALLBACK (remove_contact_clicked_cb), data);
  remove_row = gtk_list_box_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (remove_row), FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (remove_row), remove_button);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), remove_row);

  return expander;
}

static void
clear_list_box (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    {
      if (GTK_IS_LIST_BOX_ROW (child))
        gtk_list_box_remove (list, child);
      else
        break;
    }
}

static void
rebuild_contacts (AmapAssetEditor *self)
{
  GPtrArray *contacts;

  clear_list_box (self->contacts_list);
  if (self->asset == NULL)
    return;

  contacts = amap_asset_get_contacts (self->asset);
  for (guint i = 0; i < contacts->len; i++)
    {
      GtkWidget *row = create_contact_row (self, g_ptr_array_index (contacts, i));

      gtk_list_box_append (self->contacts_list, row);
    }
}

/* Interaction log */

static void
remove_interaction_clicked_cb (GtkButton *button,
                               gpointer   user_data)
{
  AmapAssetEditor *self = user_data;
  AmapInteraction *interaction = g_object_get_data (G_OBJECT (button), "amap-interaction");

  amap_asset_remove_interaction (self->asset, interaction);
  rebuild_log (self);
  field_changed (self, self->log_list, TRUE);
}

static void
rebuild_log (AmapAssetEditor *self)
{
  GPtrArray *log;

  clear_list_box (self->log_list);
  if (self->asset == NULL)
    return;

  log = amap_asset_get_interactions (self->asset);
  /* Newest first: the log is stored oldest first. */
  for (guint i = log->len; i > 0; i--)
    {
      AmapInteraction *interaction = g_ptr_array_index (log, i - 1);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *remove_button = gtk_button_new_from_icon_name ("edit-delete-symbolic");
      g_autofree char *title = NULL;
      g_autofree char *notes = NULL;

      /* Translators: an entry of the interaction log: "Visit — 2024-03-15". */
      title = g_strdup_printf (_("%s — %s"),
                               amap_interaction_kind_get_display_name (amap_interaction_get_kind (interaction)),
                               amap_interaction_get_date (interaction));
      notes = g_markup_escape_text (amap_interaction_get_notes (interaction) != NULL
                                    ? amap_interaction_get_notes (interaction) : "", -1);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), notes);

      gtk_widget_set_valign (remove_button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (remove_button, "flat");
      gtk_widget_set_tooltip_text (remove_button, _("Remove from Log"));
      g_object_set_data_full (G_OBJECT (remove_button), "amap-interaction",
                              g_object_ref (interaction), g_object_unref);
      g_signal_connect (remove_button, "clicked", G_CALLBACK (remove_interaction_clicked_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove_button);

      gtk_list_box_append (self->log_list, row);
    }
}

static void
reset_log_form (AmapAssetEditor *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");

  set_entry_text (self->log_date_row, today);
  set_entry_text (self->log_notes_row, NULL);
  set_row_error (GTK_WIDGET (self->log_date_row), FALSE);
  adw_combo_row_set_selected (self->log_kind_row, AMAP_INTERACTION_VISIT);
}

/* The Log button is at the end of a long editor: the form it opens
 * comes into view, ready for the notes (the date is today's and the kind
 * a visit, as most often). */
static void
log_revealed_cb (AmapAssetEditor *self)
{
  GtkWidget *form = gtk_revealer_get_child (self->log_revealer);
  GtkWidget *scrolled;
  GtkAdjustment *adjustment;
  graphene_rect_t bounds;
  double value, page;

  if (!gtk_revealer_get_child_revealed (self->log_revealer))
    return;

  /* Scrolled first, then focused: the focus would scroll only as far as
   * the notes, leaving the Add to Log button below. */
  scrolled = gtk_widget_get_ancestor (form, GTK_TYPE_SCROLLED_WINDOW);
  if (scrolled == NULL || !gtk_widget_compute_bounds (form, scrolled, &bounds))
    {
      gtk_widget_grab_focus (GTK_WIDGET (self->log_notes_row));
      return;
    }

  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  value = gtk_adjustment_get_value (adjustment);
  page = gtk_widget_get_height (scrolled);
  /* The whole form when it fits, else its top. */
  if (bounds.origin.y + bounds.size.height > page)
    value += MIN (bounds.origin.y, bounds.origin.y + bounds.size.height - page);
  else if (bounds.origin.y < 0)
    value += bounds.origin.y;
  gtk_adjustment_set_value (adjustment, value);

  gtk_widget_grab_focus (GTK_WIDGET (self->log_notes_row));
}

/* Date pickers: a calendar in a popover beside a date typed as
 * YYYY-MM-DD, which can still be typed. */

static void
calendar_day_selected_cb (GtkCalendar *calendar,
                          gpointer     user_data)
{
  AdwEntryRow *row = user_data;
  AmapAssetEditor *self = g_object_get_data (G_OBJECT (calendar), "amap-editor");
  g_autoptr(GDateTime) date = NULL;
  g_autofree char *text = NULL;
  GtkWidget *popover;

  if (self->syncing_calendar)
    return;

  date = gtk_calendar_get_date (calendar);
  text = g_date_time_format (date, "%Y-%m-%d");
  gtk_editable_set_text (GTK_EDITABLE (row), text);
  popover = gtk_widget_get_ancestor (GTK_WIDGET (calendar), GTK_TYPE_POPOVER);
  if (popover != NULL)
    gtk_popover_popdown (GTK_POPOVER (popover));
}

/* The calendar opens on the date typed, or today. */
static void
date_popover_show_cb (GtkPopover *popover,
                      gpointer    user_data)
{
  AdwEntryRow *row = user_data;
  GtkCalendar *calendar = GTK_CALENDAR (gtk_popover_get_child (popover));
  AmapAssetEditor *self = g_object_get_data (G_OBJECT (calendar), "amap-editor");
  g_autofree char *text = strip_dup (entry_text (row));
  g_autoptr(GDateTime) date = NULL;
  int year, month, day;

  if (text != NULL && amap_date_is_valid (text) && sscanf (text, "%d-%d-%d", &year, &month, &day) == 3)
    date = g_date_time_new_local (year, month, day, 0, 0, 0);
  if (date == NULL)
    date = g_date_time_new_now_local ();

  self->syncing_calendar = TRUE;
  gtk_calendar_select_day (calendar, date);
  self->syncing_calendar = FALSE;
}

static void
add_date_picker (AmapAssetEditor *self,
                 AdwEntryRow     *row)
{
  GtkWidget *button = gtk_menu_button_new ();
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *calendar = gtk_calendar_new ();

  g_object_set_data (G_OBJECT (calendar), "amap-editor", self);
  g_signal_connect (calendar, "day-selected", G_CALLBACK (calendar_day_selected_cb), row);
  g_signal_connect (popover, "show", G_CALLBACK (date_popover_show_cb), row);
  gtk_popover_set_child (GTK_POPOVER (popover), calendar);

  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "x-office-calendar-symbolic");
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), popover);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, _("Pick a Date"));
  gtk_widget_add_css_class (button, "flat");
  adw_entry_row_add_suffix (row, button);
}

/* Callbacks */

static gboolean
apply_timeout_cb (gpointer user_data)
{
  AmapAssetEditor *self = user_data;

  self->apply_source = 0;
  apply_changes (self, NULL);
  return G_SOURCE_REMOVE;
}

/* @field (a widget of the editor) changed: a choice applies at once,
 * typing once it pauses. A change of another field first applies what
 * the last one was waiting for, so that each field is its own step. */
static void
field_changed (AmapAssetEditor *self,
               gpointer         field,
               gboolean         at_once)
{
  if (self->loading > 0 || self->asset == NULL)
    return;

  if (self->apply_source != 0 && self->pending_field != field)
    apply_changes (self, NULL);
  if (self->asset == NULL)
    return;

  self->pending_field = field;
  set_dirty (self, TRUE);
  validate (self);

  g_clear_handle_id (&self->apply_source, g_source_remove);
  if (!self->valid)
    return;
  if (at_once)
    apply_changes (self, NULL);
  else
    self->apply_source = g_timeout_add (APPLY_DELAY_MS, apply_timeout_cb, self);
}

static void
buffer_changed_cb (AmapAssetEditor *self,
                   GtkTextBuffer   *buffer)
{
  field_changed (self, buffer, FALSE);
}

static void
choice_changed_cb (AmapAssetEditor *self,
                   GParamSpec      *pspec,
                   GtkWidget       *widget)
{
  field_changed (self, widget, TRUE);
}

static void
categories_changing_cb (AmapAssetEditor *self)
{
  self->loading++;
}

/* The asset's category, selected again in the new list. */
static void
categories_changed_cb (AmapAssetEditor *self)
{
  GListModel *categories = amap_store_get_categories (self->store);
  guint position = GTK_INVALID_LIST_POSITION;

  if (self->asset != NULL)
    for (guint i = 0; i < g_list_model_get_n_items (categories); i++)
      {
        g_autoptr(AmapCategory) category = g_list_model_get_item (categories, i);

        if (g_strcmp0 (amap_category_get_key (category), amap_asset_get_category (self->asset)) == 0)
          position = i;
      }
  adw_combo_row_set_selected (self->category_row, position);
  self->loading--;
  update_header (self);
}

/* Typing somewhere else: what was typed here is applied now. */
static void
focus_leave_cb (AmapAssetEditor *self)
{
  if (self->apply_source != 0)
    apply_changes (self, NULL);
}

static void
website_clicked_cb (AmapAssetEditor *self)
{
  g_autofree char *text = strip_dup (entry_text (self->website_row));
  g_autofree char *uri = NULL;

  if (text == NULL)
    return;
  if (g_uri_peek_scheme (text) == NULL)
    uri = g_strconcat ("https://", text, NULL);
  else
    uri = g_steal_pointer (&text);
  open_uri (self, uri);
}

static void
phone_clicked_cb (AmapAssetEditor *self)
{
  g_autofree char *text = strip_dup (entry_text (self->phone_row));
  g_autofree char *uri = NULL;
  g_autoptr(GString) digits = g_string_new (NULL);

  if (text == NULL)
    return;
  for (const char *p = text; *p != '\0'; p++)
    if (g_ascii_isdigit (*p) || *p == '+')
      g_string_append_c (digits, *p);
  uri = g_strconcat ("tel:", digits->str, NULL);
  open_uri (self, uri);
}

static void
email_clicked_cb (AmapAssetEditor *self)
{
  g_autofree char *text = strip_dup (entry_text (self->email_row));
  g_autofree char *uri = NULL;

  if (text == NULL)
    return;
  uri = g_strconcat ("mailto:", text, NULL);
  open_uri (self, uri);
}

static void
update_link_buttons (AmapAssetEditor *self)
{
  gtk_widget_set_sensitive (self->website_button, entry_text (self->website_row)[0] != '\0');
  gtk_widget_set_sensitive (self->phone_button, entry_text (self->phone_row)[0] != '\0');
  gtk_widget_set_sensitive (self->email_button, entry_text (self->email_row)[0] != '\0');
}

static void
entry_changed_cb (AmapAssetEditor *self,
                  GtkEditable     *editable)
{
  update_link_buttons (self);
  field_changed (self, editable, FALSE);
}

/* Actions */

/* "Find on Map": the window's place search looks the address up. */
static void
find_on_map_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  AmapAssetEditor *self = AMAP_ASSET_EDITOR (widget);
  g_autofree char *address = strip_dup (entry_text (self->address_row));
  g_autofree char *name = strip_dup (entry_text (self->name_row));

  if (address == NULL)
    {
      gtk_widget_grab_focus (GTK_WIDGET (self->address_row));
      return;
    }

  g_signal_emit (self, signals[FIND_ON_MAP], 0, address, name);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  AmapAssetEditor *self = AMAP_ASSET_EDITOR (widget);
  g_autoptr(GError) error = NULL;

  if (!amap_asset_editor_save (self, &error))
    show_error (self, error->message);
}

static void
add_contact_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  AmapAssetEditor *self = AMAP_ASSET_EDITOR (widget);
  g_autoptr(AmapContact) contact = amap_contact_new (NULL);
  GtkListBoxRow *row;

  if (self->asset == NULL)
    return;

  /* Nothing to store yet: a key leader with nothing typed is neither
   * saved nor an error. */
  amap_asset_add_contact (self->asset, contact);
  rebuild_contacts (self);
  validate (self);

  row = gtk_list_box_get_row_at_index (self->contacts_list,
                                       amap_asset_get_contacts (self->asset)->len - 1);
  if (row != NULL)
    {
      ContactRowData *data = g_object_get_data (G_OBJECT (row), "amap-contact-data");

      adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
      gtk_widget_grab_focus (data != NULL ? data->name_entry : GTK_WIDGET (row));
    }
}

static void
log_interaction_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  AmapAssetEditor *self = AMAP_ASSET_EDITOR (widget);
  g_autofree char *date = strip_dup (entry_text (self->log_date_row));
  g_autofree char *notes = strip_dup (entry_text (self->log_notes_row));
  g_autoptr(AmapInteraction) interaction = NULL;
  guint kind = adw_combo_row_get_selected (self->log_kind_row);

  g_autoptr(GError) error = NULL;

  if (self->asset == NULL)
    return;

  if (date == NULL || !amap_date_is_valid (date))
    {
      set_row_error (GTK_WIDGET (self->log_date_row), TRUE);
      show_error (self, _("Write the date of the visit as YYYY-MM-DD, like 2024-03-15."));
      gtk_widget_grab_focus (GTK_WIDGET (self->log_date_row));
      return;
    }

  if (kind == GTK_INVALID_LIST_POSITION)
    kind = AMAP_INTERACTION_OTHER;

  interaction = amap_interaction_new (date, (AmapInteractionKind) kind, notes);

  /* Like every change, the visit is stored as it is logged; a field
   * elsewhere that cannot be saved yet does not hold it back, and stays
   * as typed. */
  if (!self->valid)
    {
      g_autoptr(AmapAsset) stored = amap_store_get_asset (self->store, amap_asset_get_uuid (self->asset), &error);
      gboolean saved = FALSE;

      if (stored != NULL)
        {
          g_autoptr(AmapInteraction) copy = amap_interaction_new (date, (AmapInteractionKind) kind, notes);

          amap_asset_add_interaction (stored, copy);
          self->applying = TRUE;
          saved = amap_store_update_asset (self->store, stored, &error);
          self->applying = FALSE;
        }
      if (!saved)
        {
          show_error (self, error->message);
          return;
        }
      self->applied_step = NULL;
      amap_asset_add_interaction (self->asset, interaction);
      rebuild_log (self);
      reset_log_form (self);
      gtk_toggle_button_set_active (self->log_button, FALSE);
      validate (self);
      return;
    }

  amap_asset_add_interaction (self->asset, interaction);
  self->pending_field = self->log_list;
  set_dirty (self, TRUE);
  if (!apply_changes (self, &error))
    {
      amap_asset_remove_interaction (self->asset, interaction);
      show_error (self, error->message);
      return;
    }

  reset_log_form (self);
  gtk_toggle_button_set_active (self->log_button, FALSE);
  /* The store keeps the date of last contact from the log: show it. */
  if (self->applied != NULL)
    {
      g_autoptr(AmapAsset) applied = g_object_ref (self->applied);

      load_asset (self, applied);
    }
}

/* Overrides */

static void
amap_asset_editor_constructed (GObject *object)
{
  AmapAssetEditor *self = AMAP_ASSET_EDITOR (object);
  g_autoptr(GtkStringList) stages = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) kinds = gtk_string_list_new (NULL);
  g_autoptr(GtkExpression) expression = NULL;

  G_OBJECT_CLASS (amap_asset_editor_parent_class)->constructed (object);

  for (int stage = AMAP_STAGE_IDENTIFIED; stage <= AMAP_STAGE_INACTIVE; stage++)
    gtk_string_list_append (stages, amap_stage_get_display_name (stage));
  adw_combo_row_set_model (self->stage_row, G_LIST_MODEL (stages));

  for (int kind = AMAP_INTERACTION_VISIT; kind <= AMAP_INTERACTION_OTHER; kind++)
    gtk_string_list_append (kinds, amap_interaction_kind_get_display_name (kind));
  adw_combo_row_set_model (self->log_kind_row, G_LIST_MODEL (kinds));

  expression = gtk_property_expression_new (AMAP_TYPE_CATEGORY, NULL, "name");
  adw_combo_row_set_expression (self->category_row, expression);
  if (self->store != NULL)
    {
      GListModel *categories = amap_store_get_categories (self->store);

      /* Around the combo's own handler: a category added, edited or
       * deleted moves the combo's selection, which is not the person
       * choosing another category for this asset. */
      g_signal_connect_object (categories, "items-changed",
                               G_CALLBACK (categories_changing_cb), self, G_CONNECT_SWAPPED);
      adw_combo_row_set_model (self->category_row, categories);
      g_signal_connect_object (categories, "items-changed",
                               G_CALLBACK (categories_changed_cb), self, G_CONNECT_SWAPPED);
    }

  reset_log_form (self);
  update_actions (self);
}

static void
amap_asset_editor_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  AmapAssetEditor *self = AMAP_ASSET_EDITOR (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_UUID:
      g_value_set_string (value, amap_asset_editor_get_uuid (self));
      break;
    case PROP_DIRTY:
      g_value_set_boolean (value, self->dirty);
      break;
    case PROP_VALID:
      g_value_set_boolean (value, self->valid);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amap_asset_editor_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  AmapAssetEditor *self = AMAP_ASSET_EDITOR (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amap_asset_editor_dispose (GObject *object)
{
  AmapAssetEditor *self = AMAP_ASSET_EDITOR (object);

  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), AMAP_TYPE_ASSET_EDITOR);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_handle_id (&self->apply_source, g_source_remove);
  g_clear_object (&self->asset);
  g_clear_object (&self->applied);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (amap_asset_editor_parent_class)->dispose (object);
}

/* "Looks Right": the location found from the address is the person's now. */
static void
confirm_location_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  AmapAssetEditor *self = AMAP_ASSET_EDITOR (widget);

  if (self->asset == NULL ||
      amap_asset_get_location_source (self->asset) != AMAP_LOCATION_SOURCE_GEOCODED)
    return;

  self->found_latitude = self->found_longitude = NAN;
  amap_asset_set_location_source (self->asset, AMAP_LOCATION_SOURCE_MANUAL);
  field_changed (self, self->geocoded_row, TRUE);
}

static void
amap_asset_editor_class_init (AmapAssetEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = amap_asset_editor_constructed;
  object_class->get_property = amap_asset_editor_get_property;
  object_class->set_property = amap_asset_editor_set_property;
  object_class->dispose = amap_asset_editor_dispose;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, AMAP_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_UUID] = g_param_spec_string ("uuid", NULL, NULL, NULL, ro);
  properties[PROP_DIRTY] = g_param_spec_boolean ("dirty", NULL, NULL, FALSE, ro);
  properties[PROP_VALID] = g_param_spec_boolean ("valid", NULL, NULL, FALSE, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * AmapAssetEditor::saved:
   * @asset: the stored copy
   *
   * Emitted after the changes were stored.
   */
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, AMAP_TYPE_ASSET);
  /**
   * AmapAssetEditor::find-on-map:
   * @address: the address typed in the editor
   * @name: (nullable): the name typed in the editor
   *
   * "Find on Map" was clicked: the window's place search looks @address
   * up, and amap_asset_editor_set_found_location() takes the answer.
   */
  signals[FIND_ON_MAP] = g_signal_new ("find-on-map", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  g_type_ensure (AMAP_TYPE_CATEGORY_DOT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/assetmap/AssetMap/amap-asset-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, AmapAssetEditor, back_button);
  gtk_widget_class_bind_template_child (widget_class, AmapAssetEditor, header_dot);
  gtk_widget_class_bind_template_child (widget_class, AmapAssetEditor, title_label);
  gtk_widget_class_bind_template_child (widget_class, AmapAssetEditor, name_row);
  gtk_widget_class_bind_template_child (widget_class, AmapAssetEditor, category_row);
  gtk_widget_class_bind_template_child (widget_class, AmapAssetEditor, stage_row);
  gtk_widget_class_bind_template_child (widget_class, AmapAssetEditor, hub_switch);
  gtk_widget_class_bind_template_child (widget_class, AmapAssetEditor, address_row);
  gtk_widget_class_bind_template_child (widget_class, AmapAssetEditor, latitude_row);
  gtk_widget_class_bind_template_child (widget_class, AmapAssetEditor, longitude_row);
  gtk_widget_class_bind_template_child (widget_class, AmapAssetEditor, website_row);
  gtk_widget_class_bind_template_child (widget_class, AmapAssetEditor, phone_row);
  gtk_widget_class_bind_template_child (widget_class, AmapAssetEditor, email_row);
  gtk_widget_class_bind_template_child (widget_class, AmapAssetEditor, website_button);
  gtk_widget_class_bind_template_child (widget_class, AmapAssetEditor, phone_button);
  gtk_widget_class_bind_template_child (widget_class, AmapAssetEditor, email_button);
  gtk_widget_class_bind_template_child (widget_class, AmapAssetEditor, description_view);
  gtk_widget_class_bind_template_child (widget_class, AmapAssetEditor, strengths_view);
  gtk_widget_class_bind_template_child (widget_class, AmapAssetEditor, needs_view);
  gtk_widget_class_bind_template_child (widget_class, AmapAssetEditor, last_contacted_row);
  gtk_widget_class_bind_template_child (widget_class, AmapAssetEditor, tags_row);
  gtk_widget_class_bind_template_child (widget_class, AmapAssetEditor, contacts_list);
  gtk_widget_class_bind_template_child (widget_class, AmapAssetEditor, log_button);
  gtk_widget_class_bind_template_child (widget_class, AmapAssetEditor, log_revealer);
  gtk_widget_class_bind_template_callback (widget_class, log_revealed_cb);
  gtk_widget_class_bind_template_child (widget_class, AmapAssetEditor, log_kind_row);
  gtk_widget_class_bind_template_child (widget_class, AmapAssetEditor, log_date_row);
  gtk_widget_class_bind_template_child (widget_class, AmapAssetEditor, log_notes_row);
  gtk_widget_class_bind_template_child (widget_class, AmapAssetEditor, log_list);
  gtk_widget_class_bind_template_child (widget_class, AmapAssetEditor, footer);
  gtk_widget_class_bind_template_child (widget_class, AmapAssetEditor, error_label);
  gtk_widget_class_bind_template_child (widget_class, AmapAssetEditor, status_label);
  gtk_widget_class_bind_template_child (widget_class, AmapAssetEditor, geocoded_row);
  gtk_widget_class_bind_template_child (widget_class, AmapAssetEditor, layer_row);

  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "editor.find-on-map", NULL, find_on_map_action);
  gtk_widget_class_install_action (widget_class, "editor.confirm-location", NULL,
                                   confirm_location_action);
  gtk_widget_class_install_action (widget_class, "editor.add-contact", NULL, add_contact_action);
  gtk_widget_class_install_action (widget_class, "editor.log-interaction", NULL, log_interaction_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "editor.save", NULL);

  gtk_widget_class_set_css_name (widget_class, "asseteditor");
}

static void
amap_asset_editor_init (AmapAssetEditor *self)
{
  AdwEntryRow *entries[9];
  GtkTextView *views[3];
  GtkEventController *focus;

  self->found_latitude = self->found_longitude = NAN;
  gtk_widget_init_template (GTK_WIDGET (self));

  entries[0] = self->name_row;
  entries[1] = self->address_row;
  entries[2] = self->latitude_row;
  entries[3] = self->longitude_row;
  entries[4] = self->website_row;
  entries[5] = self->phone_row;
  entries[6] = self->email_row;
  entries[7] = self->last_contacted_row;
  entries[8] = self->tags_row;
  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    g_signal_connect_swapped (entries[i], "changed", G_CALLBACK (entry_changed_cb), self);

  views[0] = self->description_view;
  views[1] = self->strengths_view;
  views[2] = self->needs_view;
  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    g_signal_connect_swapped (gtk_text_view_get_buffer (views[i]), "changed",
                              G_CALLBACK (buffer_changed_cb), self);

  g_signal_connect_swapped (self->category_row, "notify::selected", G_CALLBACK (choice_changed_cb), self);
  g_signal_connect_swapped (self->stage_row, "notify::selected", G_CALLBACK (choice_changed_cb), self);
  g_signal_connect_swapped (self->hub_switch, "notify::active", G_CALLBACK (choice_changed_cb), self);

  focus = gtk_event_controller_focus_new ();
  g_signal_connect_swapped (focus, "leave", G_CALLBACK (focus_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), focus);

  add_date_picker (self, self->last_contacted_row);
  add_date_picker (self, self->log_date_row);
  g_signal_connect_swapped (self->website_button, "clicked", G_CALLBACK (website_clicked_cb), self);
  g_signal_connect_swapped (self->phone_button, "clicked", G_CALLBACK (phone_clicked_cb), self);
  g_signal_connect_swapped (self->email_button, "clicked", G_CALLBACK (email_clicked_cb), self);

  gtk_list_box_set_placeholder (self->contacts_list,
                                g_object_new (GTK_TYPE_LABEL,
                                              "label", _("No key leaders yet"),
                                              "margin-top", 12, "margin-bottom", 12,
                                              "css-classes", (const char *[]) { "dim-label", NULL },
                                              NULL));
  gtk_list_box_set_placeholder (self->log_list,
                                g_object_new (GTK_TYPE_LABEL,
                                              "label", _("No visits, meetings or calls logged yet"),
                                              "margin-top", 12, "margin-bottom", 12,
                                              "css-classes", (const char *[]) { "dim-label", NULL },
                                              NULL));
}

/* Public API */

GtkWidget *
amap_asset_editor_new (AmapStore *store)
{
  return g_object_new (AMAP_TYPE_ASSET_EDITOR, "store", store, NULL);
}

/* Equal but for the dates the store sets. */
static gboolean
same_values (AmapAsset *a,
             AmapAsset *b)
{
  g_autoptr(AmapAsset) ca = amap_asset_copy (a);
  g_autoptr(AmapAsset) cb = amap_asset_copy (b);

  amap_asset_set_created (ca, 0);
  amap_asset_set_modified (ca, 0);
  amap_asset_set_created (cb, 0);
  amap_asset_set_modified (cb, 0);
  return amap_asset_equal (ca, cb);
}

/* Shows a copy of @asset (NULL: nothing) in every field. */
static void
load_asset (AmapAssetEditor *self,
            AmapAsset       *asset)
{
  g_autofree char *old_uuid = NULL;

  old_uuid = g_strdup (amap_asset_editor_get_uuid (self));

  /* Values from elsewhere (another asset, an undo, a drag): the next
   * change is a step of its own. */
  g_clear_handle_id (&self->apply_source, g_source_remove);
  self->pending_field = NULL;
  self->applied_field = NULL;
  self->applied_step = NULL;
  g_clear_object (&self->applied);

  g_clear_object (&self->asset);
  if (asset != NULL)
    self->asset = amap_asset_copy (asset);
  self->found_latitude = self->found_longitude = NAN;

  load_fields (self);
  set_dirty (self, FALSE);
  validate (self);
  gtk_toggle_button_set_active (self->log_button, FALSE);
  update_link_buttons (self);
  update_header (self);
  update_actions (self);

  if (g_strcmp0 (old_uuid, amap_asset_editor_get_uuid (self)) != 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UUID]);
}

/*
 * Stores the working copy when it is dirty and valid: the one place
 * changes are applied. Consecutive applies to the same field join into
 * one undo step while that step is still the newest. The fields are not
 * loaded again, so the cursor stays where the person types.
 */
static gboolean
apply_changes (AmapAssetEditor  *self,
               GError          **error)
{
  g_autoptr(AmapAsset) to_store = NULL;
  g_autofree char *uuid = NULL;
  gconstpointer before_step;
  gboolean merge;
  gboolean saved;
  GPtrArray *contacts;

  g_clear_handle_id (&self->apply_source, g_source_remove);

  if (self->asset == NULL || !self->dirty || self->applying)
    return TRUE;

  validate (self);
  if (!self->valid)
    {
      g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                           gtk_label_get_label (self->error_label));
      return FALSE;
    }

  /* A key leader with nothing typed yet stays in the editor only. */
  to_store = amap_asset_copy (self->asset);
  contacts = amap_asset_get_contacts (to_store);
  for (guint i = contacts->len; i > 0; i--)
    if (contact_is_empty (g_ptr_array_index (contacts, i - 1)))
      amap_asset_remove_contact (to_store, g_ptr_array_index (contacts, i - 1));

  uuid = g_strdup (amap_asset_get_uuid (to_store));
  before_step = amap_store_peek_last_step (self->store);
  merge = self->applied_step != NULL && before_step == self->applied_step &&
          self->pending_field == self->applied_field;

  /* Not dirty while the store tells the window, which then leaves the
   * editor alone (see amap_asset_editor_set_asset()). */
  self->applying = TRUE;
  set_dirty (self, FALSE);
  saved = amap_store_update_asset (self->store, to_store, error);
  self->applying = FALSE;

  if (!saved)
    {
      set_dirty (self, TRUE);
      update_actions (self);
      return FALSE;
    }

  /* The window may have moved on while the store told it (the asset
   * left a filter). */
  if (self->asset == NULL || g_strcmp0 (uuid, amap_asset_get_uuid (self->asset)) != 0)
    return TRUE;

  if (amap_store_peek_last_step (self->store) != before_step)
    {
      if (merge)
        amap_store_join_last_steps (self->store);
      self->applied_step = amap_store_peek_last_step (self->store);
      self->applied_field = self->pending_field;
    }
  self->pending_field = NULL;
  update_origin_rows (self);

  g_clear_object (&self->applied);
  self->applied = amap_store_get_asset (self->store, uuid, NULL);
  show_error (self, NULL);
  update_actions (self);
  g_signal_emit (self, signals[SAVED], 0, self->applied != NULL ? self->applied : to_store);

  return TRUE;
}

void
amap_asset_editor_set_asset (AmapAssetEditor *self,
                             AmapAsset       *asset)
{
  g_autoptr(AmapAsset) whole = NULL;

  g_return_if_fail (AMAP_IS_ASSET_EDITOR (self));
  g_return_if_fail (asset == NULL || AMAP_IS_ASSET (asset));

  /* The editor's own change, coming back from the store: the fields
   * already show it. */
  if (asset != NULL && self->asset != NULL && self->applying &&
      g_strcmp0 (amap_asset_get_uuid (asset), amap_asset_get_uuid (self->asset)) == 0)
    return;

  /* A list's item is a summary: the editor shows, and saves, the whole
   * asset as the store has it. */
  if (asset != NULL && amap_asset_is_summary (asset))
    {
      g_autoptr(GError) error = NULL;

      whole = amap_store_get_asset (self->store, amap_asset_get_uuid (asset), &error);
      if (whole == NULL)
        g_debug ("Cannot show asset %s: %s", amap_asset_get_uuid (asset), error->message);
      asset = whole;
    }

  if (asset != NULL && self->asset != NULL &&
      g_strcmp0 (amap_asset_get_uuid (asset), amap_asset_get_uuid (self->asset)) == 0 &&
      !self->dirty && self->applied != NULL && same_values (asset, self->applied))
    return;

  load_asset (self, asset);
}

const char *
amap_asset_editor_get_uuid (AmapAssetEditor *self)
{
  g_return_val_if_fail (AMAP_IS_ASSET_EDITOR (self), NULL);

  return self->asset != NULL ? amap_asset_get_uuid (self->asset) : NULL;
}

gboolean
amap_asset_editor_get_dirty (AmapAssetEditor *self)
{
  g_return_val_if_fail (AMAP_IS_ASSET_EDITOR (self), FALSE);

  return self->dirty;
}

gboolean
amap_asset_editor_get_valid (AmapAssetEditor *self)
{
  g_return_val_if_fail (AMAP_IS_ASSET_EDITOR (self), FALSE);

  return self->valid;
}

gboolean
amap_asset_editor_save (AmapAssetEditor  *self,
                        GError          **error)
{
  g_return_val_if_fail (AMAP_IS_ASSET_EDITOR (self), FALSE);

  return apply_changes (self, error);
}

const char *
amap_asset_editor_get_problem (AmapAssetEditor *self)
{
  g_return_val_if_fail (AMAP_IS_ASSET_EDITOR (self), NULL);

  return self->valid ? NULL : gtk_label_get_label (self->error_label);
}

gboolean
amap_asset_editor_save_valid (AmapAssetEditor  *self,
                              char            **not_kept,
                              AmapAsset       **draft,
                              GHashTable      **typed,
                              GError          **error)
{
  g_autoptr(AmapAsset) stored = NULL;
  g_autoptr(AmapAsset) working = NULL;
  g_autoptr(GHashTable) put_back = NULL;
  const char *contact_note = NULL;

  g_return_val_if_fail (AMAP_IS_ASSET_EDITOR (self), FALSE);

  if (not_kept != NULL)
    *not_kept = NULL;
  if (draft != NULL)
    *draft = NULL;
  if (typed != NULL)
    *typed = NULL;

  if (self->asset == NULL || !self->dirty)
    return TRUE;

  stored = amap_store_get_asset (self->store, amap_asset_get_uuid (self->asset), error);
  if (stored == NULL)
    return FALSE;

  validate (self);
  working = amap_asset_copy (self->asset);
  put_back = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  /* One field at a time, so that a valid latitude stays when only the
   * longitude is wrong; each field is put back at most once. */
  while (!self->valid && self->bad_row != NULL)
    {
      const char *field = field_for_row (self, self->bad_row);
      ContactRowData *contact_data = g_object_get_data (G_OBJECT (self->bad_row), "amap-contact-data");

      if (field != NULL && !g_hash_table_contains (put_back, field))
        {
          g_autofree char *text = stored_text (stored, field);

          g_hash_table_insert (put_back, (char *) field,
                               g_strdup (entry_text (row_for_field (self, field))));
          /* Emits "changed", which validates again. */
          set_entry_text (row_for_field (self, field), text);
        }
      else if (contact_data != NULL && self->bad_entry == contact_data->email_entry)
        {
          /* The draft keeps what was typed, for the toast's Undo. */
          amap_contact_set_email (contact_data->contact, NULL);
          contact_note = _("Saved; a key leader’s email that was not an address was not kept");
          validate (self);
        }
      else if (contact_data != NULL)
        {
          /* What was typed about a key leader is kept; only the name
           * is missing. */
          amap_contact_set_name (contact_data->contact, _("Unnamed Key Leader"));
          contact_note = _("Saved; a key leader without a name is now “Unnamed Key Leader”");
          validate (self);
        }
      else
        {
          break;
        }
    }

  if (!self->valid || !amap_asset_editor_save (self, error))
    {
      /* Nothing is lost: what was typed goes back into the fields. */
      g_autoptr(GError) local_error = NULL;

      if (!self->valid)
        g_set_error_literal (&local_error, AMAP_ERROR, AMAP_ERROR_INVALID,
                             gtk_label_get_label (self->error_label));
      amap_asset_editor_set_draft (self, working, put_back);
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (not_kept != NULL)
    *not_kept = describe_not_kept (put_back, contact_note);
  if (draft != NULL)
    *draft = g_steal_pointer (&working);
  if (typed != NULL)
    *typed = g_steal_pointer (&put_back);

  return TRUE;
}

void
amap_asset_editor_set_draft (AmapAssetEditor *self,
                             AmapAsset       *draft,
                             GHashTable      *typed)
{
  GHashTableIter iter;
  gpointer key, value;

  g_return_if_fail (AMAP_IS_ASSET_EDITOR (self));
  g_return_if_fail (AMAP_IS_ASSET (draft));
  /* The editor saves what it holds over the asset. */
  g_return_if_fail (!amap_asset_is_summary (draft));

  load_asset (self, draft);
  if (typed != NULL)
    {
      g_hash_table_iter_init (&iter, typed);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          AdwEntryRow *row = row_for_field (self, key);

          if (row != NULL)
            set_entry_text (row, value);
        }
    }
  set_dirty (self, TRUE);
  validate (self);
}

void
amap_asset_editor_focus_invalid (AmapAssetEditor *self)
{
  g_return_if_fail (AMAP_IS_ASSET_EDITOR (self));

  validate (self);
  if (self->bad_row == NULL)
    return;

  if (ADW_IS_EXPANDER_ROW (self->bad_row))
    adw_expander_row_set_expanded (ADW_EXPANDER_ROW (self->bad_row), TRUE);
  gtk_widget_grab_focus (self->bad_row);
  if (GTK_IS_EDITABLE (self->bad_row))
    gtk_editable_select_region (GTK_EDITABLE (self->bad_row), 0, -1);
}

void
amap_asset_editor_focus_name (AmapAssetEditor *self)
{
  g_return_if_fail (AMAP_IS_ASSET_EDITOR (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
  gtk_editable_select_region (GTK_EDITABLE (self->name_row), 0, -1);
}

/* Focus somewhere harmless, so that a stray key press edits nothing. */
void
amap_asset_editor_focus_header (AmapAssetEditor *self)
{
  g_return_if_fail (AMAP_IS_ASSET_EDITOR (self));

  gtk_widget_grab_focus (self->back_button);
}

void
amap_asset_editor_set_found_location (AmapAssetEditor *self,
                                      double           latitude,
                                      double           longitude)
{
  g_autofree char *lat = NULL;
  g_autofree char *lon = NULL;

  g_return_if_fail (AMAP_IS_ASSET_EDITOR (self));
  g_return_if_fail (amap_coordinates_are_valid (latitude, longitude));

  if (self->asset == NULL)
    return;

  lat = format_coordinate (latitude);
  lon = format_coordinate (longitude);
  /* As the fields hold it (six decimals), so that it matches them. */
  self->found_latitude = g_ascii_strtod (lat, NULL);
  self->found_longitude = g_ascii_strtod (lon, NULL);
  /* Both fields at once, as one change (one undo step), applied now: the
   * person chose the place. */
  self->loading++;
  set_entry_text (self->latitude_row, lat);
  set_entry_text (self->longitude_row, lon);
  self->loading--;
  field_changed (self, self->latitude_row, TRUE);
}

/* amap-asset-editor.c: the details and editing panel of one asset
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-asset-editor"

#include "config.h"

#include <math.h>

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
   * reference); NULL when valid. */
  GtkWidget       *bad_row;

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
  AdwComboRow     *log_kind_row;
  AdwEntryRow     *log_date_row;
  AdwEntryRow     *log_notes_row;
  GtkListBox      *log_list;
  GtkLabel        *error_label;
  GtkLabel        *status_label;

  /* The location "Find on Map" put in the fields (NAN: none), and where
   * the location came from before it. */
  double           found_latitude;
  double           found_longitude;
  AmapLocationSource source_before_find;
};

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
static void field_changed    (AmapAssetEditor *self);

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
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.revert", self->asset != NULL && self->dirty);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.add-contact", self->asset != NULL && !read_only);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.log-interaction", self->asset != NULL && !read_only);

  if (read_only)
    gtk_label_set_label (self->status_label, _("Read-only"));
  else if (self->dirty)
    gtk_label_set_label (self->status_label, _("Unsaved changes"));
  else
    gtk_label_set_label (self->status_label, NULL);
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
      amap_asset_set_location (self->asset, lat, lon);
      /* Found by place search while the fields still say so: marked for
       * the person to check. */
      if (!isnan (self->found_latitude))
        amap_asset_set_location_source (self->asset,
                                        fabs (lat - self->found_latitude) < 5e-7 &&
                                        fabs (lon - self->found_longitude) < 5e-7
                                        ? AMAP_LOCATION_SOURCE_GEOCODED : self->source_before_find);
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

  contacts = amap_asset_get_contacts (self->asset);
  for (guint i = 0; i < contacts->len; i++)
    {
      g_autofree char *contact_name = strip_dup (amap_contact_get_name (g_ptr_array_index (contacts, i)));

      if (contact_name == NULL)
        {
          *bad_row = GTK_WIDGET (gtk_list_box_get_row_at_index (self->contacts_list, i));
          return g_strdup (_("Every key leader needs a name."));
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
  };

  if (self->asset == NULL)
    return;

  problem = read_fields (self, &bad_row);

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    set_row_error (rows[i], rows[i] == bad_row);
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->contacts_list));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    set_row_error (child, child == bad_row);

  self->bad_row = bad_row;
  gtk_label_set_label (self->error_label, problem);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), problem != NULL);
  set_valid (self, problem == NULL);
  update_header (self);
  update_actions (self);
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
  g_assert_not_reached ();
}

/* A short sentence for a toast: what "Save the Rest" did not keep. */
static char *
describe_not_kept (GHashTable *typed,
                   gboolean    renamed_contact)
{
  guint n = g_hash_table_size (typed);
  const char *text;

  if (n == 0)
    return renamed_contact ? g_strdup (_("Saved; a key leader without a name is now “Unnamed Key Leader”"))
                           : NULL;
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
  return g_strdup (_("Saved; the empty name was not kept"));
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

typedef struct
{
  AmapAssetEditor *editor;
  AmapContact     *contact;
  AdwExpanderRow  *expander;
} ContactRowData;

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
                                   text != NULL ? text : _("Unnamed Key Leader"));
  if (g_str_equal (field, "role"))
    adw_expander_row_set_subtitle (data->expander, text);

  field_changed (data->editor);
}

static void
remove_contact_clicked_cb (GtkButton *button,
                           gpointer   user_data)
{
  ContactRowData *data = user_data;
  AmapAssetEditor *self = data->editor;

  amap_asset_remove_contact (self->asset, data->contact);
  rebuild_contacts (self);
  field_changed (self);
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
                                 name != NULL ? name : _("Unnamed Key Leader"));
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
  field_changed (self);
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

/* Callbacks */

static void
field_changed (AmapAssetEditor *self)
{
  if (self->loading > 0 || self->asset == NULL)
    return;

  set_dirty (self, TRUE);
  validate (self);
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
entry_changed_cb (AmapAssetEditor *self)
{
  update_link_buttons (self);
  field_changed (self);
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
    {
      gtk_label_set_label (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
    }
}

static void
revert_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  AmapAssetEditor *self = AMAP_ASSET_EDITOR (widget);
  g_autoptr(AmapAsset) stored = NULL;

  if (self->asset == NULL || amap_asset_get_uuid (self->asset) == NULL)
    return;

  stored = amap_store_get_asset (self->store, amap_asset_get_uuid (self->asset), NULL);
  if (stored != NULL)
    amap_asset_editor_set_asset (self, stored);
}

static void
add_contact_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  AmapAssetEditor *self = AMAP_ASSET_EDITOR (widget);
  g_autoptr(AmapContact) contact = amap_contact_new (NULL);
  GtkListBoxRow *row;

  amap_asset_add_contact (self->asset, contact);
  rebuild_contacts (self);
  field_changed (self);

  row = gtk_list_box_get_row_at_index (self->contacts_list,
                                       amap_asset_get_contacts (self->asset)->len - 1);
  if (row != NULL)
    {
      adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (row));
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

  if (date == NULL || !amap_date_is_valid (date))
    {
      set_row_error (GTK_WIDGET (self->log_date_row), TRUE);
      gtk_label_set_label (self->error_label,
                           _("Write the date of the visit as YYYY-MM-DD, like 2024-03-15."));
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return;
    }

  if (kind == GTK_INVALID_LIST_POSITION)
    kind = AMAP_INTERACTION_OTHER;

  interaction = amap_interaction_new (date, (AmapInteractionKind) kind, notes);
  amap_asset_add_interaction (self->asset, interaction);
  rebuild_log (self);
  reset_log_form (self);
  gtk_toggle_button_set_active (self->log_button, FALSE);
  field_changed (self);

  /* Logging a visit is something that happened: keep it right away when
   * the rest of the form allows it. */
  if (self->valid)
    save_action (widget, NULL, NULL);
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
    adw_combo_row_set_model (self->category_row, amap_store_get_categories (self->store));

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
  g_clear_object (&self->asset);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (amap_asset_editor_parent_class)->dispose (object);
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
  gtk_widget_class_bind_template_child (widget_class, AmapAssetEditor, log_kind_row);
  gtk_widget_class_bind_template_child (widget_class, AmapAssetEditor, log_date_row);
  gtk_widget_class_bind_template_child (widget_class, AmapAssetEditor, log_notes_row);
  gtk_widget_class_bind_template_child (widget_class, AmapAssetEditor, log_list);
  gtk_widget_class_bind_template_child (widget_class, AmapAssetEditor, error_label);
  gtk_widget_class_bind_template_child (widget_class, AmapAssetEditor, status_label);

  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "editor.find-on-map", NULL, find_on_map_action);
  gtk_widget_class_install_action (widget_class, "editor.revert", NULL, revert_action);
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
                              G_CALLBACK (field_changed), self);

  g_signal_connect_swapped (self->category_row, "notify::selected", G_CALLBACK (field_changed), self);
  g_signal_connect_swapped (self->stage_row, "notify::selected", G_CALLBACK (field_changed), self);
  g_signal_connect_swapped (self->hub_switch, "notify::active", G_CALLBACK (field_changed), self);
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

void
amap_asset_editor_set_asset (AmapAssetEditor *self,
                             AmapAsset       *asset)
{
  g_autofree char *old_uuid = NULL;

  g_return_if_fail (AMAP_IS_ASSET_EDITOR (self));
  g_return_if_fail (asset == NULL || AMAP_IS_ASSET (asset));

  old_uuid = g_strdup (amap_asset_editor_get_uuid (self));

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
  g_autoptr(AmapAsset) stored = NULL;
  g_autoptr(AmapAsset) to_store = NULL;

  g_return_val_if_fail (AMAP_IS_ASSET_EDITOR (self), FALSE);

  if (self->asset == NULL || !self->dirty)
    return TRUE;

  validate (self);
  if (!self->valid)
    {
      g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                           gtk_label_get_label (self->error_label));
      return FALSE;
    }

  to_store = amap_asset_copy (self->asset);
  if (!amap_store_update_asset (self->store, to_store, error))
    return FALSE;

  set_dirty (self, FALSE);
  stored = amap_store_get_asset (self->store, amap_asset_get_uuid (to_store), NULL);
  amap_asset_editor_set_asset (self, stored != NULL ? stored : to_store);
  g_signal_emit (self, signals[SAVED], 0, stored != NULL ? stored : to_store);

  return TRUE;
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
  gboolean renamed_contact = FALSE;

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
      else if (contact_data != NULL)
        {
          /* What was typed about a key leader is kept; only the name
           * is missing. */
          amap_contact_set_name (contact_data->contact, _("Unnamed Key Leader"));
          renamed_contact = TRUE;
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
    *not_kept = describe_not_kept (put_back, renamed_contact);
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

  amap_asset_editor_set_asset (self, draft);
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
  if (isnan (self->found_latitude))
    self->source_before_find = amap_asset_get_location_source (self->asset);
  /* As the fields hold it (six decimals), so that it matches them. */
  self->found_latitude = g_ascii_strtod (lat, NULL);
  self->found_longitude = g_ascii_strtod (lon, NULL);
  set_entry_text (self->latitude_row, lat);
  set_entry_text (self->longitude_row, lon);
}

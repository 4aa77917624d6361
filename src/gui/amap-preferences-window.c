/* amap-preferences-window.c: base map, walking rings, import defaults
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-preferences-window"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "amap-category.h"
#include "amap-category-manager.h"
#include "amap-file-chooser.h"
#include "amap-offline-map.h"
#include "amap-preferences-window.h"
#include "amap-settings.h"

struct _AmapPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  AmapStore            *store;
  GSettings            *settings;
  GListModel           *categories;

  AdwComboRow          *base_map_row;
  AdwEntryRow          *tile_url_row;
  AdwActionRow         *allows_download_row;
  GtkSwitch            *allows_download_switch;
  AdwActionRow         *mbtiles_row;
  GtkButton            *mbtiles_button;
  GtkSpinButton        *cache_spin;
  GtkSwitch            *rings_switch;
  AdwEntryRow          *rings_row;
  AdwComboRow          *import_category_row;
  AdwEntryRow          *routing_url_row;
  GtkSpinButton        *detour_spin;
  AdwEntryRow          *place_search_url_row;
  GtkLabel             *error_label;
};

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (AmapPreferencesWindow, amap_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
show_problem (AmapPreferencesWindow *self,
              GtkWidget             *row,
              const char            *problem)
{
  gtk_label_set_label (self->error_label, problem);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), problem != NULL);
  if (problem != NULL)
    gtk_widget_add_css_class (row, "error");
  else
    gtk_widget_remove_css_class (row, "error");
}

static void
base_map_changed_cb (AmapPreferencesWindow *self)
{
  guint selected = adw_combo_row_get_selected (self->base_map_row);

  if (selected != GTK_INVALID_LIST_POSITION)
    g_settings_set_enum (self->settings, "base-map", (int) selected);
  gtk_widget_set_sensitive (GTK_WIDGET (self->tile_url_row), selected == 1);
  gtk_widget_set_sensitive (GTK_WIDGET (self->allows_download_row), selected == 1);
}

static void
mbtiles_path_changed_cb (AmapPreferencesWindow *self)
{
  g_autofree char *path = g_settings_get_string (self->settings, "mbtiles-path");
  g_autofree char *name = path[0] != '\0' ? g_filename_display_basename (path) : NULL;

  adw_action_row_set_subtitle (self->mbtiles_row, name != NULL ? name : _("None chosen"));
}

static void
mbtiles_chosen_cb (GObject    *owner,
                   GListModel *files)
{
  AmapPreferencesWindow *self = AMAP_PREFERENCES_WINDOW (owner);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  if (files == NULL || g_list_model_get_n_items (files) == 0)
    return;

  file = g_list_model_get_item (files, 0);
  if (!amap_offline_map_use_file (file, &error))
    {
      show_problem (self, GTK_WIDGET (self->mbtiles_row), error->message);
      return;
    }
  show_problem (self, GTK_WIDGET (self->mbtiles_row), NULL);
  adw_combo_row_set_selected (self->base_map_row, g_settings_get_enum (self->settings, "base-map"));
}

static void
mbtiles_button_clicked_cb (AmapPreferencesWindow *self)
{
  amap_file_chooser_open (GTK_WINDOW (self), _("Open Offline Map"), _("_Open"),
                          AMAP_FILE_KIND_MBTILES, FALSE, G_OBJECT (self), mbtiles_chosen_cb);
}

static void
cache_size_changed_cb (AmapPreferencesWindow *self)
{
  g_settings_set_uint (self->settings, "tile-cache-size-mb",
                       (guint) gtk_spin_button_get_value_as_int (self->cache_spin));
}

static void
tile_url_apply_cb (AmapPreferencesWindow *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->tile_url_row))));

  if (text[0] != '\0' &&
      (!(g_str_has_prefix (text, "https://") || g_str_has_prefix (text, "http://")) ||
       strstr (text, "{z}") == NULL || strstr (text, "{x}") == NULL || strstr (text, "{y}") == NULL))
    {
      show_problem (self, GTK_WIDGET (self->tile_url_row),
                    _("A tile URL starts with https:// and contains {z}, {x} and {y}, like "
                      "https://tiles.example.org/{z}/{x}/{y}.png"));
      return;
    }

  show_problem (self, GTK_WIDGET (self->tile_url_row), NULL);
  g_settings_set_string (self->settings, "tile-url-template", text);
}

static void
routing_url_apply_cb (AmapPreferencesWindow *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->routing_url_row))));
  g_autoptr(GUri) uri = NULL;

  if (text[0] != '\0')
    uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
  if (text[0] != '\0' &&
      (uri == NULL || g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0' ||
       (g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 && g_strcmp0 (g_uri_get_scheme (uri), "http") != 0)))
    {
      show_problem (self, GTK_WIDGET (self->routing_url_row),
                    _("A routing server’s address starts with https:// or http://, like "
                      "https://osrm.example.org"));
      return;
    }

  show_problem (self, GTK_WIDGET (self->routing_url_row), NULL);
  g_settings_set_string (self->settings, "routing-url", text);
}

static void
place_search_url_apply_cb (AmapPreferencesWindow *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->place_search_url_row))));
  g_autoptr(GUri) uri = NULL;

  if (text[0] != '\0')
    uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
  if (text[0] != '\0' &&
      (uri == NULL || g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0' ||
       (g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 && g_strcmp0 (g_uri_get_scheme (uri), "http") != 0)))
    {
      show_problem (self, GTK_WIDGET (self->place_search_url_row),
                    _("A place search server’s address starts with https:// or http://, like "
                      "https://nominatim.openstreetmap.org"));
      return;
    }

  show_problem (self, GTK_WIDGET (self->place_search_url_row), NULL);
  g_settings_set_string (self->settings, "place-search-url", text);
}

static char *
format_rings (GSettings *settings)
{
  g_autoptr(GVariant) value = g_settings_get_value (settings, "walking-rings");
  g_autoptr(GString) text = g_string_new (NULL);
  gsize n = 0;
  const double *rings = g_variant_get_fixed_array (value, &n, sizeof (double));

  for (gsize i = 0; i < n; i++)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      if (i > 0)
        g_string_append (text, ", ");
      g_string_append (text, g_ascii_formatd (buf, sizeof buf, "%g", rings[i]));
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
rings_apply_cb (AmapPreferencesWindow *self)
{
  g_auto(GStrv) parts = g_strsplit (gtk_editable_get_text (GTK_EDITABLE (self->rings_row)), ",", -1);
  g_autoptr(GArray) rings = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *part = g_strstrip (parts[i]);
      char *end = NULL;
      double miles;

      if (part[0] == '\0')
        continue;
      miles = g_ascii_strtod (part, &end);
      if (end == part || *end != '\0' || !isfinite (miles) || miles <= 0 || miles > 50)
        {
          show_problem (self, GTK_WIDGET (self->rings_row),
                        _("Walking distances are numbers of miles above 0 and up to 50, "
                          "separated by commas, like 0.25, 0.5, 1"));
          return;
        }
      g_array_append_val (rings, miles);
    }

  show_problem (self, GTK_WIDGET (self->rings_row), NULL);
  g_settings_set_value (self->settings, "walking-rings",
                        g_variant_new_fixed_array (G_VARIANT_TYPE_DOUBLE, rings->data,
                                                   rings->len, sizeof (double)));
}

static void
import_category_changed_cb (AmapPreferencesWindow *self)
{
  AmapCategory *category = adw_combo_row_get_selected_item (self->import_category_row);

  if (category != NULL)
    g_settings_set_string (self->settings, "import-default-category", amap_category_get_key (category));
}

static void
amap_preferences_window_constructed (GObject *object)
{
  AmapPreferencesWindow *self = AMAP_PREFERENCES_WINDOW (object);
  g_autoptr(GtkExpression) expression = NULL;
  g_autofree char *url = NULL;
  g_autofree char *rings = NULL;
  g_autofree char *import_category = NULL;
  g_autofree char *routing_url = NULL;
  g_autofree char *place_search_url = NULL;
  guint n;

  G_OBJECT_CLASS (amap_preferences_window_parent_class)->constructed (object);

  if (self->store != NULL)
    {
      self->categories = g_object_ref (amap_store_get_categories (self->store));
      adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self),
                                  ADW_PREFERENCES_PAGE (amap_category_manager_new (self->store)));
    }
  else
    {
      g_autoptr(GPtrArray) builtin = amap_category_list_builtin ();
      GListStore *store = g_list_store_new (AMAP_TYPE_CATEGORY);

      for (guint i = 0; i < builtin->len; i++)
        g_list_store_append (store, g_ptr_array_index (builtin, i));
      self->categories = G_LIST_MODEL (store);
    }

  expression = gtk_property_expression_new (AMAP_TYPE_CATEGORY, NULL, "name");
  adw_combo_row_set_expression (self->import_category_row, expression);
  adw_combo_row_set_model (self->import_category_row, self->categories);

  import_category = g_settings_get_string (self->settings, "import-default-category");
  n = g_list_model_get_n_items (self->categories);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AmapCategory) category = g_list_model_get_item (self->categories, i);

      if (g_strcmp0 (amap_category_get_key (category), import_category) == 0)
        adw_combo_row_set_selected (self->import_category_row, i);
    }

  adw_combo_row_set_selected (self->base_map_row, g_settings_get_enum (self->settings, "base-map"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->tile_url_row), adw_combo_row_get_selected (self->base_map_row) == 1);
  gtk_widget_set_sensitive (GTK_WIDGET (self->allows_download_row), adw_combo_row_get_selected (self->base_map_row) == 1);
  g_settings_bind (self->settings, "tile-server-allows-download", self->allows_download_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  mbtiles_path_changed_cb (self);
  g_signal_connect_object (self->settings, "changed::mbtiles-path", G_CALLBACK (mbtiles_path_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_swapped (self->mbtiles_button, "clicked", G_CALLBACK (mbtiles_button_clicked_cb), self);
  gtk_spin_button_set_value (self->cache_spin, g_settings_get_uint (self->settings, "tile-cache-size-mb"));
  g_signal_connect_swapped (self->cache_spin, "value-changed", G_CALLBACK (cache_size_changed_cb), self);
  url = g_settings_get_string (self->settings, "tile-url-template");
  gtk_editable_set_text (GTK_EDITABLE (self->tile_url_row), url);
  rings = format_rings (self->settings);
  gtk_editable_set_text (GTK_EDITABLE (self->rings_row), rings);
  g_settings_bind (self->settings, "show-walking-rings", self->rings_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_object_bind_property (self->rings_switch, "active", self->rings_row, "sensitive", G_BINDING_SYNC_CREATE);

  g_signal_connect_swapped (self->base_map_row, "notify::selected", G_CALLBACK (base_map_changed_cb), self);
  g_signal_connect_swapped (self->tile_url_row, "apply", G_CALLBACK (tile_url_apply_cb), self);
  g_signal_connect_swapped (self->rings_row, "apply", G_CALLBACK (rings_apply_cb), self);
  routing_url = g_settings_get_string (self->settings, "routing-url");
  gtk_editable_set_text (GTK_EDITABLE (self->routing_url_row), routing_url);
  g_signal_connect_swapped (self->routing_url_row, "apply", G_CALLBACK (routing_url_apply_cb), self);
  g_settings_bind (self->settings, "detour-factor", self->detour_spin, "value", G_SETTINGS_BIND_DEFAULT);
  place_search_url = g_settings_get_string (self->settings, "place-search-url");
  gtk_editable_set_text (GTK_EDITABLE (self->place_search_url_row), place_search_url);
  g_signal_connect_swapped (self->place_search_url_row, "apply", G_CALLBACK (place_search_url_apply_cb), self);
  g_signal_connect_swapped (self->import_category_row, "notify::selected",
                            G_CALLBACK (import_category_changed_cb), self);
}

static void
amap_preferences_window_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  AmapPreferencesWindow *self = AMAP_PREFERENCES_WINDOW (object);

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
amap_preferences_window_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  AmapPreferencesWindow *self = AMAP_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amap_preferences_window_dispose (GObject *object)
{
  AmapPreferencesWindow *self = AMAP_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), AMAP_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->categories);
  g_clear_object (&self->settings);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (amap_preferences_window_parent_class)->dispose (object);
}

static void
amap_preferences_window_class_init (AmapPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = amap_preferences_window_constructed;
  object_class->get_property = amap_preferences_window_get_property;
  object_class->set_property = amap_preferences_window_set_property;
  object_class->dispose = amap_preferences_window_dispose;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, AMAP_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/assetmap/AssetMap/amap-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AmapPreferencesWindow, base_map_row);
  gtk_widget_class_bind_template_child (widget_class, AmapPreferencesWindow, tile_url_row);
  gtk_widget_class_bind_template_child (widget_class, AmapPreferencesWindow, allows_download_row);
  gtk_widget_class_bind_template_child (widget_class, AmapPreferencesWindow, allows_download_switch);
  gtk_widget_class_bind_template_child (widget_class, AmapPreferencesWindow, mbtiles_row);
  gtk_widget_class_bind_template_child (widget_class, AmapPreferencesWindow, mbtiles_button);
  gtk_widget_class_bind_template_child (widget_class, AmapPreferencesWindow, cache_spin);
  gtk_widget_class_bind_template_child (widget_class, AmapPreferencesWindow, rings_switch);
  gtk_widget_class_bind_template_child (widget_class, AmapPreferencesWindow, rings_row);
  gtk_widget_class_bind_template_child (widget_class, AmapPreferencesWindow, import_category_row);
  gtk_widget_class_bind_template_child (widget_class, AmapPreferencesWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, AmapPreferencesWindow, routing_url_row);
  gtk_widget_class_bind_template_child (widget_class, AmapPreferencesWindow, detour_spin);
  gtk_widget_class_bind_template_child (widget_class, AmapPreferencesWindow, place_search_url_row);
}

static void
amap_preferences_window_init (AmapPreferencesWindow *self)
{
  self->settings = amap_settings_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
amap_preferences_window_new (AmapStore *store)
{
  return g_object_new (AMAP_TYPE_PREFERENCES_WINDOW, "store", store, NULL);
}

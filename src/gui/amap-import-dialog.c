/* amap-import-dialog.c: what a file holds and where its layers go, before
 * anything is imported; and the report after
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-import-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "amap-category.h"
#include "amap-category-dot.h"
#include "amap-import-dialog.h"

struct _AmapImportDialog
{
  AdwWindow parent_instance;

  AmapStore *store;
  AmapImportPlan *plan;
  GPtrArray *keys;          /* the category keys, in the drop-downs' order */
  GPtrArray *drop_downs;    /* GtkDropDown, one per row of the plan */
  gboolean responded;

  AdwWindowTitle *window_title;
  GtkWidget *import_button;
  GtkLabel *summary_label;
  AdwPreferencesGroup *layers_group;
  AdwPreferencesGroup *styles_group;
  AdwPreferencesGroup *skipped_group;
  GtkLabel *skipped_label;
};

enum
{
  PROP_0,
  PROP_STORE,
  PROP_PLAN,
  N_PROPS
};

enum
{
  RESPONSE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (AmapImportDialog, amap_import_dialog, ADW_TYPE_WINDOW)

/* Helpers */

/* A layer's own name: "Trails" for "Parks › Trails". */
static const char *
short_name (const char *name)
{
  const char *last = g_strrstr (name, " › ");

  return last != NULL ? last + strlen (" › ") : name;
}

/* The color of a Google My Maps icon style id ("#icon-1899-0288D1…"),
 * "#0288d1", or NULL. */
static char *
my_maps_color (const char *style)
{
  const char *p = style[0] == '#' ? style + 1 : style;

  if (!g_str_has_prefix (p, "icon-"))
    return NULL;
  p = strchr (p + strlen ("icon-"), '-');
  if (p == NULL || strlen (p + 1) < 6)
    return NULL;
  p++;
  for (int i = 0; i < 6; i++)
    if (!g_ascii_isxdigit (p[i]))
      return NULL;
  return g_strdup_printf ("#%.6s", p);
}

static char *
places_text (guint n)
{
  /* Translators: how many places a layer or an icon style holds. */
  return g_strdup_printf (ngettext ("%u place", "%u places", n), n);
}

static void
respond (AmapImportDialog *self,
         const char       *response)
{
  if (self->responded)
    return;
  self->responded = TRUE;

  g_object_ref (self);
  g_signal_emit (self, signals[RESPONSE], 0, response);
  gtk_window_destroy (GTK_WINDOW (self));
  g_object_unref (self);
}

/* Callbacks */

static void
selected_changed_cb (GtkDropDown      *drop_down,
                     GParamSpec       *pspec,
                     AmapImportDialog *self)
{
  guint row = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (drop_down), "amap-row"));
  guint selected = gtk_drop_down_get_selected (drop_down);

  if (selected == GTK_INVALID_LIST_POSITION)
    return;
  if (selected < self->keys->len)
    amap_import_plan_set_row_category (self->plan, row, g_ptr_array_index (self->keys, selected));
  else
    amap_import_plan_set_row_new_category (self->plan, row);
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  respond (AMAP_IMPORT_DIALOG (widget), "import");
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  respond (AMAP_IMPORT_DIALOG (widget), "cancel");
}

/* Building the rows */

static GtkWidget *
make_drop_down (AmapImportDialog *self,
                guint             row)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  GListModel *categories = amap_store_get_categories (self->store);
  const char *category = amap_import_plan_get_row_category (self->plan, row);
  const char *name = amap_import_plan_get_row_name (self->plan, row);
  g_autofree char *new_label = NULL;
  guint selected = 0;
  GtkWidget *drop_down;

  for (guint i = 0; i < g_list_model_get_n_items (categories); i++)
    {
      g_autoptr(AmapCategory) item = g_list_model_get_item (categories, i);

      gtk_string_list_append (names, amap_category_get_name (item));
      if (g_strcmp0 (amap_category_get_key (item), category) == 0)
        selected = i;
    }

  if (name[0] == '#')
    name++;
  if (*short_name (name) != '\0')
    {
      /* Translators: the last choice of a layer's category drop-down; %s is
       * the layer's name, which the new category gets. */
      new_label = g_strdup_printf (_("New Category “%s”"), short_name (name));
      gtk_string_list_append (names, new_label);
      if (amap_import_plan_get_row_is_new (self->plan, row))
        selected = g_list_model_get_n_items (categories);
    }

  drop_down = gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&names)), NULL);
  gtk_widget_set_valign (drop_down, GTK_ALIGN_CENTER);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (drop_down), selected);
  g_object_set_data (G_OBJECT (drop_down), "amap-row", GUINT_TO_POINTER (row));
  g_signal_connect (drop_down, "notify::selected", G_CALLBACK (selected_changed_cb), self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (drop_down),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Category"), -1);

  return drop_down;
}

static void
add_row (AmapImportDialog *self,
         guint             row)
{
  AmapImportRowKind kind = amap_import_plan_get_row_kind (self->plan, row);
  const char *name = amap_import_plan_get_row_name (self->plan, row);
  g_autofree char *count = places_text (amap_import_plan_get_row_count (self->plan, row));
  GtkWidget *action_row = adw_action_row_new ();
  GtkWidget *drop_down = make_drop_down (self, row);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (action_row), FALSE);

  if (kind == AMAP_IMPORT_ROW_LAYER)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (action_row),
                                     name[0] != '\0' ? name : _("Not in a Layer"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (action_row), count);
      adw_action_row_add_prefix (ADW_ACTION_ROW (action_row),
                                 gtk_image_new_from_icon_name (name[0] != '\0' ? "folder-symbolic"
                                                                               : "mark-location-symbolic"));
      adw_preferences_group_add (self->layers_group, action_row);
    }
  else
    {
      g_autofree char *color = my_maps_color (name);
      g_autofree char *subtitle = NULL;

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (action_row), name[0] == '#' ? name + 1 : name);
      if (color != NULL)
        {
          GtkWidget *dot = amap_category_dot_new ();

          amap_category_dot_set_color (AMAP_CATEGORY_DOT (dot), color);
          gtk_widget_set_size_request (dot, 16, 16);
          gtk_widget_set_valign (dot, GTK_ALIGN_CENTER);
          adw_action_row_add_prefix (ADW_ACTION_ROW (action_row), dot);
          /* Translators: an icon style's subtitle, e.g. "3 places · color #0288D1". */
          subtitle = g_strdup_printf (_("%s · color %s"), count, color);
        }
      adw_action_row_set_subtitle (ADW_ACTION_ROW (action_row), subtitle != NULL ? subtitle : count);
      adw_preferences_group_add (self->styles_group, action_row);
    }

  adw_action_row_add_suffix (ADW_ACTION_ROW (action_row), drop_down);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (action_row), drop_down);
  g_ptr_array_add (self->drop_downs, drop_down);
}

static void
fill (AmapImportDialog *self)
{
  AmapImportPlan *plan = self->plan;
  AmapImportReport *scan = amap_import_plan_get_scan_report (plan);
  GListModel *categories = amap_store_get_categories (self->store);
  g_autoptr(GString) summary = g_string_new (NULL);
  g_autoptr(GString) skipped = g_string_new (NULL);
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  guint n_places = amap_import_plan_get_n_places (plan);
  guint n_unlocated = amap_import_plan_get_n_unlocated (plan);
  guint n_skipped = amap_import_plan_get_n_skipped (plan);
  guint n_layers = 0, n_styles = 0;

  for (guint i = 0; i < g_list_model_get_n_items (categories); i++)
    {
      g_autoptr(AmapCategory) item = g_list_model_get_item (categories, i);

      g_ptr_array_add (self->keys, g_strdup (amap_category_get_key (item)));
    }

  for (guint i = 0; i < amap_import_plan_get_n_rows (plan); i++)
    {
      if (amap_import_plan_get_row_kind (plan, i) == AMAP_IMPORT_ROW_LAYER)
        n_layers++;
      else
        n_styles++;
      add_row (self, i);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->layers_group), n_layers > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->styles_group), n_styles > 0);

  /* Translators: the preview's title; %s is a file name. */
  title = g_strdup_printf (_("Import “%s”"), amap_import_plan_get_file_name (plan));
  adw_window_title_set_title (self->window_title, title);
  subtitle = places_text (n_places);
  adw_window_title_set_subtitle (self->window_title, subtitle);
  gtk_window_set_title (GTK_WINDOW (self), title);

  if (n_places == 0)
    g_string_append (summary, _("The file holds no places that can be imported."));
  else
    g_string_append_printf (summary,
                            ngettext ("%u place will be added to the map or updated.",
                                      "%u places will be added to the map or updated.", n_places),
                            n_places);
  if (n_unlocated > 0)
    {
      g_string_append_c (summary, ' ');
      g_string_append_printf (summary,
                              ngettext ("%u has an address but no coordinates: it will be in the list, not on the map.",
                                        "%u have an address but no coordinates: they will be in the list, not on the map.",
                                        n_unlocated),
                              n_unlocated);
    }
  if (n_skipped > 0)
    {
      g_string_append_c (summary, ' ');
      g_string_append_printf (summary,
                              ngettext ("%u placemark will not be imported (see below).",
                                        "%u placemarks will not be imported (see below).", n_skipped),
                              n_skipped);
    }
  gtk_label_set_label (self->summary_label, summary->str);
  gtk_widget_set_sensitive (self->import_button, n_places > 0);
  gtk_window_set_default_widget (GTK_WINDOW (self), self->import_button);

  for (guint i = 0; i < amap_import_report_get_n_messages (scan); i++)
    {
      AmapImportMessageKind kind;
      const char *text;
      guint line;

      amap_import_report_get_message (scan, i, &kind, &line, &text);
      if (kind != AMAP_IMPORT_MESSAGE_SKIPPED)
        continue;
      if (skipped->len > 0)
        g_string_append_c (skipped, '\n');
      if (line > 0)
        /* Translators: a placemark that will not be imported, with the line
         * of the file where it is. */
        g_string_append_printf (skipped, _("Line %u: %s"), line, text);
      else
        g_string_append (skipped, text);
    }
  gtk_label_set_label (self->skipped_label, skipped->str);
  gtk_widget_set_visible (GTK_WIDGET (self->skipped_group), skipped->len > 0);
}

/* GObject */

static gboolean
amap_import_dialog_close_request (GtkWindow *window)
{
  AmapImportDialog *self = AMAP_IMPORT_DIALOG (window);

  if (!self->responded)
    {
      self->responded = TRUE;
      g_signal_emit (self, signals[RESPONSE], 0, "cancel");
    }
  return GTK_WINDOW_CLASS (amap_import_dialog_parent_class)->close_request (window);
}

static void
amap_import_dialog_constructed (GObject *object)
{
  AmapImportDialog *self = AMAP_IMPORT_DIALOG (object);

  G_OBJECT_CLASS (amap_import_dialog_parent_class)->constructed (object);
  fill (self);
}

static void
amap_import_dialog_dispose (GObject *object)
{
  AmapImportDialog *self = AMAP_IMPORT_DIALOG (object);

  g_clear_object (&self->store);
  g_clear_object (&self->plan);
  g_clear_pointer (&self->drop_downs, g_ptr_array_unref);

  G_OBJECT_CLASS (amap_import_dialog_parent_class)->dispose (object);
}

static void
amap_import_dialog_finalize (GObject *object)
{
  AmapImportDialog *self = AMAP_IMPORT_DIALOG (object);

  g_ptr_array_unref (self->keys);

  G_OBJECT_CLASS (amap_import_dialog_parent_class)->finalize (object);
}

static void
amap_import_dialog_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  AmapImportDialog *self = AMAP_IMPORT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_PLAN:
      g_value_set_object (value, self->plan);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amap_import_dialog_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  AmapImportDialog *self = AMAP_IMPORT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_PLAN:
      self->plan = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amap_import_dialog_class_init (AmapImportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = amap_import_dialog_constructed;
  object_class->dispose = amap_import_dialog_dispose;
  object_class->finalize = amap_import_dialog_finalize;
  object_class->get_property = amap_import_dialog_get_property;
  object_class->set_property = amap_import_dialog_set_property;
  window_class->close_request = amap_import_dialog_close_request;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, AMAP_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PLAN] =
    g_param_spec_object ("plan", NULL, NULL, AMAP_TYPE_IMPORT_PLAN,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * AmapImportDialog::response:
   * @response: "import" or "cancel"
   *
   * The user chose; the dialog closes right after.
   */
  signals[RESPONSE] =
    g_signal_new ("response", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/assetmap/AssetMap/amap-import-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, AmapImportDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, AmapImportDialog, import_button);
  gtk_widget_class_bind_template_child (widget_class, AmapImportDialog, summary_label);
  gtk_widget_class_bind_template_child (widget_class, AmapImportDialog, layers_group);
  gtk_widget_class_bind_template_child (widget_class, AmapImportDialog, styles_group);
  gtk_widget_class_bind_template_child (widget_class, AmapImportDialog, skipped_group);
  gtk_widget_class_bind_template_child (widget_class, AmapImportDialog, skipped_label);

  gtk_widget_class_install_action (widget_class, "import-dialog.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "import-dialog.cancel", NULL, cancel_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "import-dialog.cancel", NULL);
}

static void
amap_import_dialog_init (AmapImportDialog *self)
{
  self->keys = g_ptr_array_new_with_free_func (g_free);
  self->drop_downs = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* Public API */

AmapImportDialog *
amap_import_dialog_new (GtkWindow      *parent,
                        AmapStore      *store,
                        AmapImportPlan *plan)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (AMAP_IS_STORE (store), NULL);
  g_return_val_if_fail (AMAP_IS_IMPORT_PLAN (plan), NULL);

  return g_object_new (AMAP_TYPE_IMPORT_DIALOG,
                       "transient-for", parent,
                       "store", store,
                       "plan", plan,
                       NULL);
}

AmapImportPlan *
amap_import_dialog_get_plan (AmapImportDialog *self)
{
  g_return_val_if_fail (AMAP_IS_IMPORT_DIALOG (self), NULL);
  return self->plan;
}

GtkDropDown *
amap_import_dialog_get_drop_down (AmapImportDialog *self,
                                  guint             row)
{
  g_return_val_if_fail (AMAP_IS_IMPORT_DIALOG (self), NULL);
  g_return_val_if_fail (row < self->drop_downs->len, NULL);
  return g_ptr_array_index (self->drop_downs, row);
}

/* The report */

static GtkWidget *
category_counts (AmapStore        *store,
                 AmapImportReport *report)
{
  GtkWidget *list = gtk_list_box_new ();

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");

  for (guint i = 0; i < amap_import_report_get_n_categories (report); i++)
    {
      guint count = 0;
      const char *key = amap_import_report_get_category (report, i, &count);
      AmapCategory *category = amap_store_lookup_category (store, key);
      GtkWidget *row, *dot, *label;
      g_autofree char *text = NULL;

      if (count == 0)
        continue;

      row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     category != NULL ? amap_category_get_name (category) : key);
      dot = amap_category_dot_new ();
      gtk_widget_set_size_request (dot, 28, 28);
      gtk_widget_set_valign (dot, GTK_ALIGN_CENTER);
      if (category != NULL)
        {
          amap_category_dot_set_color (AMAP_CATEGORY_DOT (dot), amap_category_get_color (category));
          amap_category_dot_set_icon_name (AMAP_CATEGORY_DOT (dot), amap_category_get_icon_name (category));
        }
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), dot);
      text = g_strdup_printf ("%u", count);
      label = gtk_label_new (text);
      gtk_widget_add_css_class (label, "numeric");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
      gtk_list_box_append (GTK_LIST_BOX (list), row);
    }

  return list;
}

static GtkWidget *
messages_label (const char       *file_name,
                AmapImportReport *report)
{
  g_autoptr(GString) text = g_string_new (NULL);
  GtkWidget *label;

  for (guint i = 0; i < amap_import_report_get_n_messages (report); i++)
    {
      AmapImportMessageKind kind;
      const char *message;
      guint line;

      amap_import_report_get_message (report, i, &kind, &line, &message);
      if (text->len > 0)
        g_string_append_c (text, '\n');
      if (line > 0)
        g_string_append_printf (text, _("Line %u: %s"), line, message);
      else
        g_string_append (text, message);
    }
  if (text->len == 0)
    return NULL;

  label = gtk_label_new (text->str);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_add_css_class (label, "amap-report");
  return label;
}

AdwMessageDialog *
amap_import_report_dialog_new (GtkWindow        *parent,
                               AmapStore        *store,
                               const char       *file_name,
                               AmapImportReport *report)
{
  g_autofree char *heading = NULL;
  g_autoptr(GString) body = g_string_new (NULL);
  guint imported = amap_import_report_get_imported (report);
  guint updated = amap_import_report_get_updated (report);
  guint skipped = amap_import_report_get_skipped (report);
  guint unlocated = amap_import_report_get_unlocated (report);
  GtkWidget *dialog, *box, *scrolled, *messages;

  g_return_val_if_fail (AMAP_IS_STORE (store), NULL);
  g_return_val_if_fail (AMAP_IS_IMPORT_REPORT (report), NULL);

  heading = g_strdup_printf (_("Imported “%s”"), file_name);

  g_string_append_printf (body, ngettext ("%u place was added to the map.",
                                          "%u places were added to the map.", imported),
                          imported);
  if (updated > 0)
    {
      g_string_append_c (body, ' ');
      g_string_append_printf (body, ngettext ("%u place imported before was updated.",
                                              "%u places imported before were updated.", updated),
                              updated);
    }
  if (unlocated > 0)
    {
      g_string_append_c (body, ' ');
      g_string_append_printf (body, ngettext ("%u has no location yet: it is in the list, not on the map.",
                                              "%u have no location yet: they are in the list, not on the map.",
                                              unlocated),
                              unlocated);
    }
  if (skipped > 0)
    {
      g_string_append_c (body, ' ');
      g_string_append_printf (body, ngettext ("%u placemark was not imported (see below).",
                                              "%u placemarks were not imported (see below).", skipped),
                              skipped);
    }

  dialog = adw_message_dialog_new (parent, heading, body->str);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  if (amap_import_report_get_n_categories (report) > 0)
    gtk_box_append (GTK_BOX (box), category_counts (store, report));
  messages = messages_label (file_name, report);
  if (messages != NULL)
    gtk_box_append (GTK_BOX (box), messages);

  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 320);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), box);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), scrolled);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  if (amap_import_report_get_bounds (report, NULL, NULL, NULL, NULL))
    {
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "show", _("_Show on Map"));
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "show",
                                                  ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "show");
    }
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");

  return ADW_MESSAGE_DIALOG (dialog);
}

/* amap-category-manager.c: the map's categories, added, edited and deleted
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-category-manager"

#include "config.h"

#include <glib/gi18n.h>

#include "amap-category-dot.h"
#include "amap-category-manager.h"

struct _AmapCategoryManager
{
  AdwPreferencesPage  parent_instance;

  AmapStore          *store;
  /* The undo step of the last delete, for its toast (identity only). */
  gconstpointer       deleted_step;

  GtkListBox         *custom_list;
  GtkListBox         *builtin_list;
  GtkWidget          *add_button;
};

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (AmapCategoryManager, amap_category_manager, ADW_TYPE_PREFERENCES_PAGE)

/* GNOME's palette, in the order of its hues, then greys. */
static const char * const palette[] = {
  "#1a5fb4", "#3584e4", "#2ec27e", "#26a269", "#e5a50a", "#f6d32d",
  "#e66100", "#ff7800", "#c01c28", "#e01b24", "#813d9c", "#c061cb",
  "#865e3c", "#b5835a", "#5e5c64", "#3d3846",
  NULL
};

/* Symbolic icons of the Adwaita theme (GNOME 43 and later). */
static const char * const icons[] = {
  "mark-location-symbolic", "starred-symbolic", "user-home-symbolic",
  "system-users-symbolic", "emoji-people-symbolic", "emote-love-symbolic",
  "emoji-food-symbolic", "emoji-nature-symbolic", "emoji-activities-symbolic",
  "emoji-travel-symbolic", "emoji-objects-symbolic", "emoji-symbols-symbolic",
  "emoji-flags-symbolic", "applications-science-symbolic",
  "accessories-dictionary-symbolic", "x-office-presentation-symbolic",
  "emblem-documents-symbolic", "system-software-install-symbolic",
  "applications-engineering-symbolic", "applications-games-symbolic",
  "audio-x-generic-symbolic", "camera-photo-symbolic", "weather-clear-symbolic",
  NULL
};

/* Helpers */

static void
show_error (AmapCategoryManager *self,
            const char          *heading,
            const char          *message)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                              heading, message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
add_toast (AmapCategoryManager *self,
           AdwToast            *toast)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (ADW_IS_PREFERENCES_WINDOW (root))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (root), toast);
  else
    g_object_unref (g_object_ref_sink (toast));
}

/* A color not used yet, for a new category. */
static const char *
unused_color (AmapCategoryManager *self)
{
  GListModel *categories = amap_store_get_categories (self->store);

  for (guint i = 0; palette[i] != NULL; i++)
    {
      gboolean used = FALSE;

      for (guint j = 0; j < g_list_model_get_n_items (categories) && !used; j++)
        {
          g_autoptr(AmapCategory) category = g_list_model_get_item (categories, j);

          used = g_ascii_strcasecmp (amap_category_get_color (category), palette[i]) == 0;
        }
      if (!used)
        return palette[i];
    }

  return palette[0];
}

/* The edit dialog */

typedef struct
{
  AmapCategoryManager *self;
  char                *key;  /* NULL: a new category */
  AdwEntryRow         *name_row;
  GtkFlowBox          *colors;
  GtkFlowBox          *icons;
  AmapCategoryDot     *preview;
  char                *color;
  char                *icon;
} EditData;

static void
edit_data_free (gpointer user_data)
{
  EditData *data = user_data;

  g_clear_object (&data->self);
  g_free (data->key);
  g_free (data->color);
  g_free (data->icon);
  g_free (data);
}

static void
update_preview (EditData *data)
{
  amap_category_dot_set_color (data->preview, data->color);
  amap_category_dot_set_icon_name (data->preview, data->icon);
}

static void
color_selected_cb (GtkFlowBox *box,
                   gpointer    user_data)
{
  EditData *data = user_data;
  g_autoptr(GList) selected = gtk_flow_box_get_selected_children (box);

  if (selected == NULL)
    return;
  g_free (data->color);
  data->color = g_strdup (g_object_get_data (G_OBJECT (selected->data), "amap-color"));
  update_preview (data);
}

static void
icon_selected_cb (GtkFlowBox *box,
                  gpointer    user_data)
{
  EditData *data = user_data;
  g_autoptr(GList) selected = gtk_flow_box_get_selected_children (box);

  if (selected == NULL)
    return;
  g_free (data->icon);
  data->icon = g_strdup (g_object_get_data (G_OBJECT (selected->data), "amap-icon"));
  update_preview (data);
}

static void
name_changed_cb (GtkEditable      *editable,
                 AdwMessageDialog *dialog)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (editable)));

  adw_message_dialog_set_response_enabled (dialog, "save", name[0] != '\0');
}

static GtkFlowBox *
new_choice_box (void)
{
  GtkWidget *box = gtk_flow_box_new ();

  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (box), GTK_SELECTION_SINGLE);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (box), TRUE);
  gtk_flow_box_set_min_children_per_line (GTK_FLOW_BOX (box), 6);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (box), 8);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (box), 6);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (box), 6);
  return GTK_FLOW_BOX (box);
}

static void
add_choice (GtkFlowBox *box,
            GtkWidget  *child,
            const char *data_key,
            const char *value,
            const char *tooltip,
            gboolean    selected)
{
  GtkWidget *item = gtk_flow_box_child_new ();

  gtk_flow_box_child_set_child (GTK_FLOW_BOX_CHILD (item), child);
  g_object_set_data_full (G_OBJECT (item), data_key, g_strdup (value), g_free);
  gtk_widget_set_tooltip_text (item, tooltip);
  gtk_flow_box_append (box, item);
  if (selected)
    gtk_flow_box_select_child (box, GTK_FLOW_BOX_CHILD (item));
}

static GtkWidget *
labelled (const char *label,
          GtkWidget  *child)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *title = gtk_label_new (label);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_add_css_class (title, "heading");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), child);
  return box;
}

static void
edit_response_cb (AdwMessageDialog *dialog,
                  const char       *response,
                  gpointer          user_data)
{
  EditData *data = user_data;
  AmapCategoryManager *self = data->self;
  g_autoptr(GError) error = NULL;
  const char *name = gtk_editable_get_text (GTK_EDITABLE (data->name_row));

  if (g_strcmp0 (response, "save") != 0)
    return;

  if (data->key == NULL)
    {
      g_autoptr(AmapCategory) added = amap_store_add_category (self->store, name, data->color,
                                                               data->icon, &error);

      if (added == NULL)
        show_error (self, _("Could Not Add the Category"), error->message);
    }
  else
    {
      AmapCategory *category = amap_store_lookup_category (self->store, data->key);

      /* A built-in keeps its name. */
      if (category != NULL && amap_category_get_builtin (category))
        name = NULL;
      if (!amap_store_update_category (self->store, data->key, name, data->color, data->icon, &error))
        show_error (self, _("Could Not Change the Category"), error->message);
    }
}

/* Opens the dialog for @key (NULL: a new category). */
static void
edit_category (AmapCategoryManager *self,
               const char          *key)
{
  AmapCategory *category = key != NULL ? amap_store_lookup_category (self->store, key) : NULL;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  EditData *data = g_new0 (EditData, 1);
  GtkWidget *dialog;
  GtkWidget *content;
  GtkWidget *names;
  gboolean builtin = category != NULL && amap_category_get_builtin (category);
  gboolean color_listed = FALSE;

  data->self = g_object_ref (self);
  data->key = g_strdup (key);
  data->color = g_strdup (category != NULL ? amap_category_get_color (category) : unused_color (self));
  data->icon = g_strdup (category != NULL && amap_category_get_icon_name (category) != NULL
                         ? amap_category_get_icon_name (category) : "mark-location-symbolic");

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   category != NULL ? _("Edit Category") : _("New Category"),
                                   builtin ? _("Built-in categories keep their names.") : NULL);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "save", category != NULL ? _("_Save") : _("_Add"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);

  data->preview = AMAP_CATEGORY_DOT (amap_category_dot_new ());
  gtk_widget_set_size_request (GTK_WIDGET (data->preview), 48, 48);
  gtk_widget_set_halign (GTK_WIDGET (data->preview), GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (content), GTK_WIDGET (data->preview));

  names = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (names), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (names, "boxed-list");
  data->name_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (data->name_row), _("Name"));
  adw_entry_row_set_activates_default (data->name_row, TRUE);
  gtk_editable_set_text (GTK_EDITABLE (data->name_row),
                         category != NULL ? amap_category_get_name (category) : "");
  gtk_widget_set_sensitive (GTK_WIDGET (data->name_row), !builtin);
  gtk_list_box_append (GTK_LIST_BOX (names), GTK_WIDGET (data->name_row));
  gtk_box_append (GTK_BOX (content), names);

  data->colors = new_choice_box ();
  for (guint i = 0; palette[i] != NULL; i++)
    color_listed |= g_ascii_strcasecmp (palette[i], data->color) == 0;
  /* A color from elsewhere (a file, an older version) stays choosable. */
  if (!color_listed)
    {
      GtkWidget *dot = amap_category_dot_new ();

      gtk_widget_set_size_request (dot, 28, 28);
      amap_category_dot_set_color (AMAP_CATEGORY_DOT (dot), data->color);
      add_choice (data->colors, dot, "amap-color", data->color, data->color, TRUE);
    }
  for (guint i = 0; palette[i] != NULL; i++)
    {
      GtkWidget *dot = amap_category_dot_new ();

      gtk_widget_set_size_request (dot, 28, 28);
      amap_category_dot_set_color (AMAP_CATEGORY_DOT (dot), palette[i]);
      add_choice (data->colors, dot, "amap-color", palette[i], palette[i],
                  g_ascii_strcasecmp (palette[i], data->color) == 0);
    }
  gtk_box_append (GTK_BOX (content), labelled (_("Color"), GTK_WIDGET (data->colors)));

  data->icons = new_choice_box ();
  for (guint i = 0; icons[i] != NULL; i++)
    {
      GtkWidget *image = gtk_image_new_from_icon_name (icons[i]);

      gtk_widget_set_margin_top (image, 4);
      gtk_widget_set_margin_bottom (image, 4);
      add_choice (data->icons, image, "amap-icon", icons[i], NULL, g_strcmp0 (icons[i], data->icon) == 0);
    }
  gtk_box_append (GTK_BOX (content), labelled (_("Icon"), GTK_WIDGET (data->icons)));

  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), content);
  update_preview (data);

  g_signal_connect (data->colors, "selected-children-changed", G_CALLBACK (color_selected_cb), data);
  g_signal_connect (data->icons, "selected-children-changed", G_CALLBACK (icon_selected_cb), data);
  g_signal_connect (data->name_row, "changed", G_CALLBACK (name_changed_cb), dialog);
  name_changed_cb (GTK_EDITABLE (data->name_row), ADW_MESSAGE_DIALOG (dialog));
  g_signal_connect_data (dialog, "response", G_CALLBACK (edit_response_cb), data,
                         (GClosureNotify) (void (*) (void)) edit_data_free, 0);

  gtk_window_present (GTK_WINDOW (dialog));
  if (!builtin)
    gtk_widget_grab_focus (GTK_WIDGET (data->name_row));
}

/* Deleting */

static gboolean
other_category_filter (gpointer item,
                       gpointer user_data)
{
  return g_strcmp0 (amap_category_get_key (item), user_data) != 0;
}

static void
undo_delete_cb (AdwToast            *toast,
                AmapCategoryManager *self)
{
  g_autoptr(GError) error = NULL;

  /* Only while the delete is still the newest step. */
  if (self->deleted_step == NULL || amap_store_peek_last_step (self->store) != self->deleted_step)
    return;
  self->deleted_step = NULL;
  if (!amap_store_undo (self->store, &error))
    show_error (self, _("Could Not Undo"), error->message);
}

static void
delete_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    gpointer          user_data)
{
  AmapCategoryManager *self = AMAP_CATEGORY_MANAGER (user_data);
  GtkDropDown *move_to = g_object_get_data (G_OBJECT (dialog), "amap-move-to");
  const char *key = g_object_get_data (G_OBJECT (dialog), "amap-key");
  AmapCategory *target = gtk_drop_down_get_selected_item (move_to);
  g_autofree char *name = NULL;
  g_autofree char *title = NULL;
  g_autoptr(GError) error = NULL;
  AdwToast *toast;

  if (g_strcmp0 (response, "delete") != 0 || target == NULL)
    return;

  name = g_strdup (amap_category_get_name (amap_store_lookup_category (self->store, key)));
  if (!amap_store_delete_category (self->store, key, amap_category_get_key (target), &error))
    {
      show_error (self, _("Could Not Delete the Category"), error->message);
      return;
    }
  self->deleted_step = amap_store_peek_last_step (self->store);

  /* Translators: a toast with an Undo button; %s is a category's name. */
  title = g_strdup_printf (_("“%s” deleted"), name);
  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (undo_delete_cb), self, 0);
  add_toast (self, toast);
}

static void
delete_category (AmapCategoryManager *self,
                 const char          *key)
{
  AmapCategory *category = amap_store_lookup_category (self->store, key);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr(GtkExpression) expression = NULL;
  g_autofree char *heading = NULL;
  GtkFilterListModel *others;
  GtkWidget *dialog;
  GtkWidget *box;
  GtkWidget *label;
  GtkWidget *move_to;
  guint n;

  if (category == NULL || amap_category_get_builtin (category))
    return;

  others = gtk_filter_list_model_new (g_object_ref (amap_store_get_categories (self->store)),
                                      GTK_FILTER (gtk_custom_filter_new (other_category_filter,
                                                                         g_strdup (key), g_free)));
  expression = gtk_property_expression_new (AMAP_TYPE_CATEGORY, NULL, "name");
  move_to = gtk_drop_down_new (G_LIST_MODEL (others), g_steal_pointer (&expression));
  n = g_list_model_get_n_items (G_LIST_MODEL (others));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AmapCategory) other = g_list_model_get_item (G_LIST_MODEL (others), i);

      if (g_strcmp0 (amap_category_get_key (other), AMAP_CATEGORY_OTHER) == 0)
        gtk_drop_down_set_selected (GTK_DROP_DOWN (move_to), i);
    }

  /* Translators: %s is a category's name. */
  heading = g_strdup_printf (_("Delete “%s”?"), amap_category_get_name (category));
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading,
                                   _("Its assets move to the category you choose. You can undo this."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  label = gtk_label_new_with_mnemonic (_("_Move Assets To"));
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), move_to);
  gtk_widget_set_hexpand (move_to, TRUE);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), move_to);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);

  g_object_set_data (G_OBJECT (dialog), "amap-move-to", move_to);
  g_object_set_data_full (G_OBJECT (dialog), "amap-key", g_strdup (key), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Rows */

static void
edit_clicked_cb (GtkWidget           *button,
                 AmapCategoryManager *self)
{
  edit_category (self, g_object_get_data (G_OBJECT (button), "amap-key"));
}

static void
delete_clicked_cb (GtkWidget           *button,
                   AmapCategoryManager *self)
{
  delete_category (self, g_object_get_data (G_OBJECT (button), "amap-key"));
}

static GtkWidget *
suffix_button (AmapCategoryManager *self,
               const char          *icon_name,
               const char          *tooltip,
               const char          *key,
               GCallback            callback)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_add_css_class (button, "flat");
  g_object_set_data_full (G_OBJECT (button), "amap-key", g_strdup (key), g_free);
  g_signal_connect_object (button, "clicked", callback, self, 0);
  return button;
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  AmapCategoryManager *self = user_data;
  AmapCategory *category = item;
  const char *key = amap_category_get_key (category);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *dot = amap_category_dot_new ();
  GtkWidget *edit;
  g_autofree char *edit_tooltip = NULL;

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), amap_category_get_name (category));
  gtk_widget_set_size_request (dot, 28, 28);
  gtk_widget_set_valign (dot, GTK_ALIGN_CENTER);
  amap_category_dot_set_color (AMAP_CATEGORY_DOT (dot), amap_category_get_color (category));
  amap_category_dot_set_icon_name (AMAP_CATEGORY_DOT (dot), amap_category_get_icon_name (category));
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), dot);

  /* Translators: a tooltip; %s is a category's name. */
  edit_tooltip = g_strdup_printf (_("Edit “%s”"), amap_category_get_name (category));
  edit = suffix_button (self, "document-edit-symbolic", edit_tooltip, key, G_CALLBACK (edit_clicked_cb));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), edit);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), edit);

  if (!amap_category_get_builtin (category))
    {
      /* Translators: a tooltip; %s is a category's name. */
      g_autofree char *tooltip = g_strdup_printf (_("Delete “%s”"), amap_category_get_name (category));

      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 suffix_button (self, "user-trash-symbolic", tooltip, key,
                                                G_CALLBACK (delete_clicked_cb)));
    }

  g_object_set_data_full (G_OBJECT (row), "amap-key", g_strdup (key), g_free);
  return row;
}

static gboolean
is_builtin_filter (gpointer item,
                   gpointer user_data)
{
  return amap_category_get_builtin (item);
}

static gboolean
is_custom_filter (gpointer item,
                  gpointer user_data)
{
  return !amap_category_get_builtin (item);
}

/* Actions */

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  edit_category (AMAP_CATEGORY_MANAGER (widget), NULL);
}

static void
update_actions (AmapCategoryManager *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "categories.add",
                                 self->store != NULL && !amap_store_get_read_only (self->store));
}

/* Overrides */

static void
amap_category_manager_constructed (GObject *object)
{
  AmapCategoryManager *self = AMAP_CATEGORY_MANAGER (object);

  G_OBJECT_CLASS (amap_category_manager_parent_class)->constructed (object);

  g_return_if_fail (self->store != NULL);
  for (guint builtin = 0; builtin <= 1; builtin++)
    {
      GtkListBox *list = builtin ? self->builtin_list : self->custom_list;
      g_autoptr(GtkFilterListModel) model = NULL;

      model = gtk_filter_list_model_new (g_object_ref (amap_store_get_categories (self->store)),
                                         GTK_FILTER (gtk_custom_filter_new (builtin ? is_builtin_filter
                                                                                    : is_custom_filter,
                                                                            NULL, NULL)));
      gtk_list_box_bind_model (list, G_LIST_MODEL (model), create_row, self, NULL);
      gtk_widget_set_sensitive (GTK_WIDGET (list), !amap_store_get_read_only (self->store));
    }
  gtk_list_box_set_placeholder (self->custom_list,
                                g_object_new (GTK_TYPE_LABEL,
                                              "label", _("No categories of your own yet"),
                                              "margin-top", 12, "margin-bottom", 12,
                                              "css-classes", (const char *[]) { "dim-label", NULL },
                                              NULL));
  update_actions (self);
}

static void
amap_category_manager_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  AmapCategoryManager *self = AMAP_CATEGORY_MANAGER (object);

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
amap_category_manager_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  AmapCategoryManager *self = AMAP_CATEGORY_MANAGER (object);

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
amap_category_manager_dispose (GObject *object)
{
  AmapCategoryManager *self = AMAP_CATEGORY_MANAGER (object);

  if (self->custom_list != NULL)
    gtk_list_box_bind_model (self->custom_list, NULL, NULL, NULL, NULL);
  if (self->builtin_list != NULL)
    gtk_list_box_bind_model (self->builtin_list, NULL, NULL, NULL, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), AMAP_TYPE_CATEGORY_MANAGER);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (amap_category_manager_parent_class)->dispose (object);
}

static void
amap_category_manager_class_init (AmapCategoryManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = amap_category_manager_constructed;
  object_class->get_property = amap_category_manager_get_property;
  object_class->set_property = amap_category_manager_set_property;
  object_class->dispose = amap_category_manager_dispose;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, AMAP_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/assetmap/AssetMap/amap-category-manager.ui");
  gtk_widget_class_bind_template_child (widget_class, AmapCategoryManager, custom_list);
  gtk_widget_class_bind_template_child (widget_class, AmapCategoryManager, builtin_list);
  gtk_widget_class_bind_template_child (widget_class, AmapCategoryManager, add_button);

  gtk_widget_class_install_action (widget_class, "categories.add", NULL, add_action);
}

static void
amap_category_manager_init (AmapCategoryManager *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* Public API */

GtkWidget *
amap_category_manager_new (AmapStore *store)
{
  g_return_val_if_fail (AMAP_IS_STORE (store), NULL);

  return g_object_new (AMAP_TYPE_CATEGORY_MANAGER, "store", store, NULL);
}

const char * const *
amap_category_manager_get_palette (void)
{
  return palette;
}

const char * const *
amap_category_manager_get_icons (void)
{
  return icons;
}

/* amap-export-dialog.c: what to export, in which format, with what, then
 * where
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-export-dialog"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "amap-export-dialog.h"
#include "amap-file-chooser.h"

struct _AmapExportDialog
{
  AdwWindow        parent_instance;

  char            *base_name;
  guint            counts[3];     /* by AmapExportScope */
  AmapExportScope  scopes[3];     /* the scope_row's items */
  guint            n_scopes;

  /* Template */
  AdwComboRow     *scope_row;
  AdwComboRow     *format_row;
  AdwActionRow    *private_row;
  GtkSwitch       *private_switch;
  AdwActionRow    *layer_row;
  GtkSwitch       *layer_switch;
  GtkLabel        *summary_label;
  GtkButton       *export_button;
};

G_DEFINE_FINAL_TYPE (AmapExportDialog, amap_export_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNAL_EXPORT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
format_extension (AmapExportFormat format)
{
  return format == AMAP_EXPORT_FORMAT_KMZ ? ".kmz" : ".kml";
}

static gboolean
has_suffix_nocase (const char *name,
                   const char *suffix)
{
  gsize len = strlen (name), suffix_len = strlen (suffix);

  return len >= suffix_len && g_ascii_strcasecmp (name + len - suffix_len, suffix) == 0;
}

/* Says in a sentence what the file will hold, so that nobody has to guess
 * what "private" means. */
static void
update_summary (AmapExportDialog *self)
{
  gboolean include = gtk_switch_get_active (self->private_switch);
  AmapExportFormat format = amap_export_dialog_get_format (self);

  if (include)
    gtk_label_set_label (self->summary_label,
                         _("The file holds everything the map has on these assets, including "
                           "key leaders’ names, phone numbers, emails and notes, and every visit, "
                           "meeting and call. Asset Map reads it back whole."));
  else
    gtk_label_set_label (self->summary_label,
                         _("The file holds each asset’s name, place, category, stage, address, "
                           "its own phone, email and website, strengths, needs, notes and tags. "
                           "Key leaders, the visit log and the last-contacted date are left out."));

  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->format_row),
                               format == AMAP_EXPORT_FORMAT_KMZ
                               ? _("KML zipped with the category pins, so they look as they do here")
                               : _("Google Earth, My Maps, QGIS, ArcGIS and GDAL read it"));
}

/* Callbacks */

static void
on_scope_selected_cb (AmapExportDialog *self)
{
  update_summary (self);
}

static void
on_format_selected_cb (AmapExportDialog *self)
{
  update_summary (self);
}

static void
on_private_active_cb (AmapExportDialog *self)
{
  update_summary (self);
}

static void
on_file_chosen_cb (GObject    *owner,
                   GListModel *files)
{
  AmapExportDialog *self = AMAP_EXPORT_DIALOG (owner);
  g_autoptr(GFile) file = NULL;

  if (files == NULL || g_list_model_get_n_items (files) == 0)
    {
      /* Cancelled: back to the choices, as they were. */
      gtk_widget_set_sensitive (GTK_WIDGET (self), TRUE);
      return;
    }

  file = g_list_model_get_item (files, 0);
  amap_export_dialog_export_to (self, file);
}

static void
on_export_clicked_cb (AmapExportDialog *self)
{
  g_autofree char *name = amap_export_dialog_dup_suggested_name (self);
  AmapFileKind kind = amap_export_dialog_get_format (self) == AMAP_EXPORT_FORMAT_KMZ
                      ? AMAP_FILE_KIND_KMZ : AMAP_FILE_KIND_KML_ONLY;

  gtk_widget_set_sensitive (GTK_WIDGET (self), FALSE);
  amap_file_chooser_save (GTK_WINDOW (self), _("Export"), _("_Export"), kind, name,
                          G_OBJECT (self), on_file_chosen_cb);
}

/* Overrides */

static void
amap_export_dialog_finalize (GObject *object)
{
  AmapExportDialog *self = AMAP_EXPORT_DIALOG (object);

  g_clear_pointer (&self->base_name, g_free);

  G_OBJECT_CLASS (amap_export_dialog_parent_class)->finalize (object);
}

static void
amap_export_dialog_map (GtkWidget *widget)
{
  AmapExportDialog *self = AMAP_EXPORT_DIALOG (widget);

  GTK_WIDGET_CLASS (amap_export_dialog_parent_class)->map (widget);

  /* Not on Cancel, where the window would put it: the choices first. */
  gtk_widget_grab_focus (GTK_WIDGET (self->scope_row));
}

static void
amap_export_dialog_class_init (AmapExportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = amap_export_dialog_finalize;
  widget_class->map = amap_export_dialog_map;

  /**
   * AmapExportDialog::export:
   * @file: the file chosen, with the format's extension
   *
   * The person chose where to export; the choices are in the getters.
   */
  signals[SIGNAL_EXPORT] = g_signal_new ("export", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_FILE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/assetmap/AssetMap/amap-export-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, AmapExportDialog, scope_row);
  gtk_widget_class_bind_template_child (widget_class, AmapExportDialog, format_row);
  gtk_widget_class_bind_template_child (widget_class, AmapExportDialog, private_row);
  gtk_widget_class_bind_template_child (widget_class, AmapExportDialog, private_switch);
  gtk_widget_class_bind_template_child (widget_class, AmapExportDialog, layer_row);
  gtk_widget_class_bind_template_child (widget_class, AmapExportDialog, layer_switch);
  gtk_widget_class_bind_template_child (widget_class, AmapExportDialog, summary_label);
  gtk_widget_class_bind_template_child (widget_class, AmapExportDialog, export_button);
  gtk_widget_class_bind_template_callback (widget_class, on_scope_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_format_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_private_active_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_export_clicked_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
amap_export_dialog_init (AmapExportDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->export_button));
  update_summary (self);
}

/* Public API */

AmapExportDialog *
amap_export_dialog_new (GtkWindow       *parent,
                        const char      *base_name,
                        guint            n_all,
                        guint            n_shown,
                        guint            n_selected,
                        AmapExportScope  scope)
{
  AmapExportDialog *self;
  g_autoptr(GtkStringList) scopes = gtk_string_list_new (NULL);

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  self = g_object_new (AMAP_TYPE_EXPORT_DIALOG, "transient-for", parent, NULL);
  self->base_name = g_strdup (base_name != NULL && *base_name != '\0' ? base_name : _("Asset Map"));
  g_strdelimit (self->base_name, "/\\", '-');
  self->counts[AMAP_EXPORT_SCOPE_ALL] = n_all;
  self->counts[AMAP_EXPORT_SCOPE_SHOWN] = n_shown;
  self->counts[AMAP_EXPORT_SCOPE_SELECTED] = n_selected;

  /* The whole map always; the others when there is something to export. */
  for (AmapExportScope s = AMAP_EXPORT_SCOPE_ALL; s <= AMAP_EXPORT_SCOPE_SELECTED; s++)
    {
      g_autofree char *label = NULL;
      guint n = self->counts[s];

      if (s != AMAP_EXPORT_SCOPE_ALL && n == 0)
        continue;

      if (s == AMAP_EXPORT_SCOPE_ALL)
        /* Translators: the choice of what to export; %u is a number of assets. */
        label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Whole map (%'u asset)",
                                              "Whole map (%'u assets)", n), n);
      else if (s == AMAP_EXPORT_SCOPE_SHOWN)
        label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Shown in the list (%'u asset)",
                                              "Shown in the list (%'u assets)", n), n);
      else
        label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Selected (%'u asset)",
                                              "Selected (%'u assets)", n), n);
      gtk_string_list_append (scopes, label);
      self->scopes[self->n_scopes++] = s;
    }
  adw_combo_row_set_model (self->scope_row, G_LIST_MODEL (scopes));
  amap_export_dialog_set_scope (self, scope);

  return self;
}

AmapExportScope
amap_export_dialog_get_scope (AmapExportDialog *self)
{
  guint selected;

  g_return_val_if_fail (AMAP_IS_EXPORT_DIALOG (self), AMAP_EXPORT_SCOPE_ALL);

  selected = adw_combo_row_get_selected (self->scope_row);
  return selected < self->n_scopes ? self->scopes[selected] : AMAP_EXPORT_SCOPE_ALL;
}

void
amap_export_dialog_set_scope (AmapExportDialog *self,
                              AmapExportScope   scope)
{
  g_return_if_fail (AMAP_IS_EXPORT_DIALOG (self));

  for (guint i = 0; i < self->n_scopes; i++)
    if (self->scopes[i] == scope)
      adw_combo_row_set_selected (self->scope_row, i);
}

AmapExportFormat
amap_export_dialog_get_format (AmapExportDialog *self)
{
  g_return_val_if_fail (AMAP_IS_EXPORT_DIALOG (self), AMAP_EXPORT_FORMAT_KML);

  return adw_combo_row_get_selected (self->format_row) == 1 ? AMAP_EXPORT_FORMAT_KMZ
                                                            : AMAP_EXPORT_FORMAT_KML;
}

void
amap_export_dialog_set_format (AmapExportDialog *self,
                               AmapExportFormat  format)
{
  g_return_if_fail (AMAP_IS_EXPORT_DIALOG (self));

  adw_combo_row_set_selected (self->format_row, format == AMAP_EXPORT_FORMAT_KMZ ? 1 : 0);
}

gboolean
amap_export_dialog_get_include_private (AmapExportDialog *self)
{
  g_return_val_if_fail (AMAP_IS_EXPORT_DIALOG (self), FALSE);

  return gtk_switch_get_active (self->private_switch);
}

void
amap_export_dialog_set_include_private (AmapExportDialog *self,
                                        gboolean          include)
{
  g_return_if_fail (AMAP_IS_EXPORT_DIALOG (self));

  gtk_switch_set_active (self->private_switch, include);
}

gboolean
amap_export_dialog_get_by_layer (AmapExportDialog *self)
{
  g_return_val_if_fail (AMAP_IS_EXPORT_DIALOG (self), FALSE);

  return gtk_switch_get_active (self->layer_switch);
}

/* FALSE when no asset of the map came from a layer: then the choice would
 * change nothing, and the row says so. */
void
amap_export_dialog_set_has_layers (AmapExportDialog *self,
                                   gboolean          has_layers)
{
  g_return_if_fail (AMAP_IS_EXPORT_DIALOG (self));

  gtk_widget_set_sensitive (GTK_WIDGET (self->layer_row), has_layers);
  if (!has_layers)
    {
      gtk_switch_set_active (self->layer_switch, FALSE);
      adw_action_row_set_subtitle (self->layer_row,
                                   _("None of the assets came from a layer of an imported file: "
                                     "they go in a folder for each category"));
    }
}

void
amap_export_dialog_set_by_layer (AmapExportDialog *self,
                                 gboolean          by_layer)
{
  g_return_if_fail (AMAP_IS_EXPORT_DIALOG (self));

  gtk_switch_set_active (self->layer_switch, by_layer);
}

AmapExportFlags
amap_export_dialog_get_flags (AmapExportDialog *self)
{
  AmapExportFlags flags = AMAP_EXPORT_SHARED;

  g_return_val_if_fail (AMAP_IS_EXPORT_DIALOG (self), AMAP_EXPORT_SHARED);

  if (gtk_switch_get_active (self->private_switch))
    flags |= AMAP_EXPORT_INCLUDE_PRIVATE;
  if (gtk_switch_get_active (self->layer_switch))
    flags |= AMAP_EXPORT_BY_LAYER;

  return flags;
}

char *
amap_export_dialog_dup_suggested_name (AmapExportDialog *self)
{
  g_return_val_if_fail (AMAP_IS_EXPORT_DIALOG (self), NULL);

  return g_strconcat (self->base_name, format_extension (amap_export_dialog_get_format (self)), NULL);
}

GFile *
amap_export_file_for_format (GFile            *file,
                             AmapExportFormat  format)
{
  g_autofree char *name = NULL;
  g_autofree char *fixed = NULL;
  g_autoptr(GFile) parent = NULL;
  const char *extension = format_extension (format);
  const char *other = format == AMAP_EXPORT_FORMAT_KMZ ? ".kml" : ".kmz";

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  name = g_file_get_basename (file);
  parent = g_file_get_parent (file);
  if (name == NULL || parent == NULL || has_suffix_nocase (name, extension))
    return g_object_ref (file);

  /* "map.kml" while KMZ was chosen: the format decides, as it said. */
  if (has_suffix_nocase (name, other))
    name[strlen (name) - strlen (other)] = '\0';
  fixed = g_strconcat (name, extension, NULL);

  return g_file_get_child (parent, fixed);
}

static void
finish (AmapExportDialog *self,
        GFile            *target)
{
  g_signal_emit (self, signals[SIGNAL_EXPORT], 0, target);
  gtk_window_destroy (GTK_WINDOW (self));
}

static gboolean
finish_idle_cb (gpointer user_data)
{
  AmapExportDialog *self = AMAP_EXPORT_DIALOG (user_data);
  g_autoptr(GFile) target = g_object_steal_data (G_OBJECT (self), "amap-replace-target");

  if (target != NULL && !gtk_widget_in_destruction (GTK_WIDGET (self)))
    finish (self, target);

  return G_SOURCE_REMOVE;
}

static void
on_replace_response_cb (AdwMessageDialog *dialog,
                        const char       *response,
                        gpointer          user_data)
{
  AmapExportDialog *self = AMAP_EXPORT_DIALOG (user_data);
  GFile *target = g_object_get_data (G_OBJECT (dialog), "amap-target");

  if (g_strcmp0 (response, "replace") != 0)
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self), TRUE);
      return;
    }

  /* Not while the question, our transient child, is still answering:
   * destroying its parent under it leaves it a dangling parent. */
  g_object_set_data_full (G_OBJECT (self), "amap-replace-target", g_object_ref (target), g_object_unref);
  g_idle_add_full (G_PRIORITY_DEFAULT, finish_idle_cb, g_object_ref (self), g_object_unref);
}

void
amap_export_dialog_export_to (AmapExportDialog *self,
                              GFile            *file)
{
  g_autoptr(GFile) target = NULL;

  g_return_if_fail (AMAP_IS_EXPORT_DIALOG (self));
  g_return_if_fail (G_IS_FILE (file));

  target = amap_export_file_for_format (file, amap_export_dialog_get_format (self));

  /* The chooser asked before replacing the file it was given, not the one
   * with the extension we put on: ask for that one. */
  if (!g_file_equal (target, file) && g_file_query_exists (target, NULL))
    {
      g_autofree char *name = g_file_get_basename (target);
      g_autofree char *display = g_filename_display_name (name);
      /* Translators: %s is a file name. */
      g_autofree char *heading = g_strdup_printf (_("Replace “%s”?"), display);
      AdwMessageDialog *dialog;

      dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading,
                                                           _("A file with this name is already there. "
                                                             "Replacing it overwrites what it holds.")));
      adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "replace", _("_Replace"), NULL);
      adw_message_dialog_set_response_appearance (dialog, "replace", ADW_RESPONSE_DESTRUCTIVE);
      adw_message_dialog_set_default_response (dialog, "cancel");
      adw_message_dialog_set_close_response (dialog, "cancel");
      g_object_set_data_full (G_OBJECT (dialog), "amap-target", g_object_ref (target), g_object_unref);
      g_signal_connect_object (dialog, "response", G_CALLBACK (on_replace_response_cb), self, 0);
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }

  finish (self, target);
}

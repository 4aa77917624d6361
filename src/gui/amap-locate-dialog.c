/* amap-locate-dialog.c: "Locate from Address": every asset with an
 * address and no location, looked up at the place search's pace
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-locate-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "amap-locate-dialog.h"

typedef enum
{
  STATE_READY,
  STATE_RUNNING,
  STATE_DONE,
} State;

struct _AmapLocateDialog
{
  AdwWindow       parent_instance;

  AmapStore      *store;
  AmapGeocoder   *geocoder;
  GPtrArray      *uuids;       /* of the assets to look up */
  GCancellable   *cancellable;
  State           state;
  guint           next;        /* index into uuids */
  guint           n_found;
  guint           n_not_found;
  char           *stopped;     /* why the run stopped early, or NULL */
  char           *summary;

  GtkButton      *close_button;
  GtkButton      *start_button;
  GtkLabel       *intro_label;
  GtkProgressBar *progress;
  GtkLabel       *status_label;
  GtkWidget      *not_found_scroller;
  GtkListBox     *not_found_list;
};

G_DEFINE_FINAL_TYPE (AmapLocateDialog, amap_locate_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_STORE,
  PROP_GEOCODER,
  PROP_RUNNING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void locate_next (AmapLocateDialog *self);

static void
set_status (AmapLocateDialog *self,
            const char       *text)
{
  g_free (self->summary);
  self->summary = g_strdup (text);
  gtk_label_set_label (self->status_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), text != NULL);
}

static void
set_state (AmapLocateDialog *self,
           State             state)
{
  gboolean was_running = self->state == STATE_RUNNING;

  self->state = state;
  gtk_widget_set_visible (GTK_WIDGET (self->start_button), state == STATE_READY);
  gtk_widget_set_visible (GTK_WIDGET (self->progress), state != STATE_READY);
  gtk_button_set_label (self->close_button, state == STATE_DONE ? _("_Close") : _("_Cancel"));
  if (was_running != (state == STATE_RUNNING))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

static void
add_not_found (AmapLocateDialog *self,
               AmapAsset        *asset)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), amap_asset_get_name (asset));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), amap_asset_get_address (asset));
  gtk_list_box_append (self->not_found_list, row);
  gtk_widget_set_visible (self->not_found_scroller, TRUE);
}

static void
finish (AmapLocateDialog *self)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *summary = NULL;

  g_clear_object (&self->cancellable);
  gtk_progress_bar_set_fraction (self->progress, self->uuids->len > 0 ? (double) self->next / self->uuids->len : 1.0);

  if (self->stopped != NULL)
    g_ptr_array_add (parts, g_strdup (self->stopped));
  if (self->n_found > 0)
    /* Translators: the summary of "Locate from Address", a sentence of
     * its own; so are the next ones. */
    g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                          "Found %u asset; check its pin on the map.",
                                                          "Found %u assets; check their pins on the map.",
                                                          self->n_found),
                                             self->n_found));
  if (self->n_not_found > 0)
    g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                          "%u asset was not found: correct its address, or place it on the map.",
                                                          "%u assets were not found: correct their addresses, or place them on the map.",
                                                          self->n_not_found),
                                             self->n_not_found));
  if (self->next < self->uuids->len && self->stopped == NULL)
    {
      guint left = self->uuids->len - self->next;

      if (self->n_found == 0 && self->n_not_found == 0)
        g_ptr_array_add (parts, g_strdup (_("Cancelled before any address was looked up.")));
      else
        g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                              "Cancelled: %u address was not looked up.",
                                                              "Cancelled: %u addresses were not looked up.",
                                                              left),
                                                 left));
    }
  g_ptr_array_add (parts, NULL);

  summary = g_strjoinv (" ", (char **) parts->pdata);
  set_status (self, summary);
  set_state (self, STATE_DONE);
  gtk_widget_grab_focus (GTK_WIDGET (self->close_button));
}

/* Stores the found location; all the finds of a run are one undo step. */
static gboolean
store_found (AmapLocateDialog *self,
             AmapAsset        *asset,
             AmapPlace        *place,
             GError          **error)
{
  g_autofree char *undo_label = NULL;
  g_autofree char *redo_label = NULL;

  amap_asset_set_location (asset, amap_place_get_latitude (place), amap_place_get_longitude (place));
  amap_asset_set_location_source (asset, AMAP_LOCATION_SOURCE_GEOCODED);
  if (!amap_store_update_asset (self->store, asset, error))
    return FALSE;

  if (self->n_found > 0)
    amap_store_join_last_steps (self->store);
  self->n_found++;

  undo_label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Undo Locate from Address (%u Asset)",
                                             "Undo Locate from Address (%u Assets)", self->n_found),
                                self->n_found);
  redo_label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Redo Locate from Address (%u Asset)",
                                             "Redo Locate from Address (%u Assets)", self->n_found),
                                self->n_found);
  amap_store_relabel_last_step (self->store, undo_label, redo_label);

  return TRUE;
}

static void
on_search_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(AmapLocateDialog) self = user_data;
  g_autoptr(GPtrArray) places = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AmapAsset) asset = NULL;
  const char *uuid;

  places = amap_geocoder_search_finish (AMAP_GEOCODER (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (self->state == STATE_RUNNING)
        finish (self);
      return;
    }

  if (places == NULL)
    {
      /* Offline or a failing server fails the next address too: stop
       * with what was found. */
      self->stopped = g_strdup (error->message);
      finish (self);
      return;
    }

  uuid = g_ptr_array_index (self->uuids, self->next);
  self->next++;

  /* The asset as it is now: it may have changed while we waited. */
  asset = amap_store_get_asset (self->store, uuid, NULL);
  if (asset != NULL && !amap_asset_get_has_location (asset))
    {
      if (places->len == 0)
        {
          self->n_not_found++;
          add_not_found (self, asset);
        }
      else if (!store_found (self, asset, g_ptr_array_index (places, 0), &error))
        {
          self->stopped = g_strdup (error->message);
          finish (self);
          return;
        }
    }

  locate_next (self);
}

static void
locate_next (AmapLocateDialog *self)
{
  g_autoptr(AmapAsset) asset = NULL;
  g_autofree char *status = NULL;

  while (self->next < self->uuids->len)
    {
      asset = amap_store_get_asset (self->store, g_ptr_array_index (self->uuids, self->next), NULL);
      if (asset != NULL && !amap_asset_get_has_location (asset) && amap_asset_get_address (asset) != NULL)
        break;
      g_clear_object (&asset);
      self->next++;
    }

  if (asset == NULL)
    {
      finish (self);
      return;
    }

  gtk_progress_bar_set_fraction (self->progress, (double) self->next / self->uuids->len);
  /* Translators: progress of "Locate from Address"; %s is an asset's name. */
  status = g_strdup_printf (_("Looking up “%s” (%u of %u)…"), amap_asset_get_name (asset),
                            self->next + 1, self->uuids->len);
  set_status (self, status);

  amap_geocoder_search_async (self->geocoder, amap_asset_get_address (asset), 1, self->cancellable,
                              on_search_cb, g_object_ref (self));
}

static void
start_clicked_cb (AmapLocateDialog *self)
{
  amap_locate_dialog_start (self);
}

static void
close_clicked_cb (AmapLocateDialog *self)
{
  /* Cancel stops the run and shows what it found; then Close closes. */
  if (self->state == STATE_RUNNING)
    amap_locate_dialog_cancel (self);
  else
    gtk_window_close (GTK_WINDOW (self));
}

static gboolean
amap_locate_dialog_close_request (GtkWindow *window)
{
  AmapLocateDialog *self = AMAP_LOCATE_DIALOG (window);

  /* What was found stays stored (and undoable). */
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);

  return GTK_WINDOW_CLASS (amap_locate_dialog_parent_class)->close_request (window);
}

static void
amap_locate_dialog_constructed (GObject *object)
{
  AmapLocateDialog *self = AMAP_LOCATE_DIALOG (object);
  g_autoptr(GPtrArray) assets = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *intro = NULL;
  g_autofree char *button = NULL;
  guint n;

  G_OBJECT_CLASS (amap_locate_dialog_parent_class)->constructed (object);

  self->uuids = g_ptr_array_new_with_free_func (g_free);
  assets = amap_store_list_assets (self->store, &error);
  for (guint i = 0; assets != NULL && i < assets->len; i++)
    {
      AmapAsset *asset = g_ptr_array_index (assets, i);
      const char *address = amap_asset_get_address (asset);

      if (!amap_asset_get_has_location (asset) && address != NULL && address[0] != '\0')
        g_ptr_array_add (self->uuids, g_strdup (amap_asset_get_uuid (asset)));
    }
  n = self->uuids->len;

  set_state (self, STATE_READY);
  set_status (self, NULL);

  if (assets == NULL)
    {
      gtk_label_set_label (self->intro_label, error->message);
      gtk_widget_set_sensitive (GTK_WIDGET (self->start_button), FALSE);
    }
  else if (n == 0)
    {
      gtk_label_set_label (self->intro_label,
                           _("Every asset with an address already has a location: there is nothing to look up."));
      gtk_widget_set_sensitive (GTK_WIDGET (self->start_button), FALSE);
    }
  else if (self->geocoder == NULL)
    {
      gtk_label_set_label (self->intro_label,
                           _("Place search has no server, so addresses cannot be looked up. "
                             "Set a place search server in Preferences first."));
      gtk_widget_set_sensitive (GTK_WIDGET (self->start_button), FALSE);
    }
  else
    {
      g_autoptr(GUri) uri = g_uri_parse (amap_geocoder_get_base_url (self->geocoder), G_URI_FLAGS_NONE, NULL);
      const char *host = uri != NULL && g_uri_get_host (uri) != NULL ? g_uri_get_host (uri)
                                                                     : amap_geocoder_get_base_url (self->geocoder);

      /* Translators: %u is a count of assets, %s a server's name; the
       * search takes about a second an asset. */
      intro = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "%u asset has an address and no location. Its address is "
                                            "looked up on %s. The location found is marked for you to "
                                            "check, and Undo takes it back.",
                                            "%u assets have an address and no location. Their addresses "
                                            "are looked up on %s, one a second. Each location found is "
                                            "marked for you to check, and one Undo takes them all back.",
                                            n),
                               n, host);
      gtk_label_set_label (self->intro_label, intro);
    }

  /* Enter starts, when there is something to start. */
  if (gtk_widget_get_sensitive (GTK_WIDGET (self->start_button)))
    gtk_widget_grab_focus (GTK_WIDGET (self->start_button));

  /* Translators: a button; %u is a count of assets. */
  button = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "_Locate %u Asset", "_Locate %u Assets", n), n);
  gtk_button_set_label (self->start_button, button);
}

static void
amap_locate_dialog_dispose (GObject *object)
{
  AmapLocateDialog *self = AMAP_LOCATE_DIALOG (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), AMAP_TYPE_LOCATE_DIALOG);
  g_clear_object (&self->geocoder);
  g_clear_object (&self->store);
  g_clear_pointer (&self->uuids, g_ptr_array_unref);

  G_OBJECT_CLASS (amap_locate_dialog_parent_class)->dispose (object);
}

static void
amap_locate_dialog_finalize (GObject *object)
{
  AmapLocateDialog *self = AMAP_LOCATE_DIALOG (object);

  g_free (self->stopped);
  g_free (self->summary);

  G_OBJECT_CLASS (amap_locate_dialog_parent_class)->finalize (object);
}

static void
amap_locate_dialog_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  AmapLocateDialog *self = AMAP_LOCATE_DIALOG (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_GEOCODER:
      g_value_set_object (value, self->geocoder);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->state == STATE_RUNNING);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amap_locate_dialog_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  AmapLocateDialog *self = AMAP_LOCATE_DIALOG (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_GEOCODER:
      self->geocoder = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amap_locate_dialog_class_init (AmapLocateDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = amap_locate_dialog_constructed;
  object_class->dispose = amap_locate_dialog_dispose;
  object_class->finalize = amap_locate_dialog_finalize;
  object_class->get_property = amap_locate_dialog_get_property;
  object_class->set_property = amap_locate_dialog_set_property;
  window_class->close_request = amap_locate_dialog_close_request;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, AMAP_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_GEOCODER] =
    g_param_spec_object ("geocoder", NULL, NULL, AMAP_TYPE_GEOCODER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/assetmap/AssetMap/amap-locate-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, AmapLocateDialog, close_button);
  gtk_widget_class_bind_template_child (widget_class, AmapLocateDialog, start_button);
  gtk_widget_class_bind_template_child (widget_class, AmapLocateDialog, intro_label);
  gtk_widget_class_bind_template_child (widget_class, AmapLocateDialog, progress);
  gtk_widget_class_bind_template_child (widget_class, AmapLocateDialog, status_label);
  gtk_widget_class_bind_template_child (widget_class, AmapLocateDialog, not_found_scroller);
  gtk_widget_class_bind_template_child (widget_class, AmapLocateDialog, not_found_list);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
amap_locate_dialog_init (AmapLocateDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_swapped (self->start_button, "clicked", G_CALLBACK (start_clicked_cb), self);
  g_signal_connect_swapped (self->close_button, "clicked", G_CALLBACK (close_clicked_cb), self);
}

/* Public API */

GtkWidget *
amap_locate_dialog_new (GtkWindow    *parent,
                        AmapStore    *store,
                        AmapGeocoder *geocoder)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (AMAP_IS_STORE (store), NULL);
  g_return_val_if_fail (geocoder == NULL || AMAP_IS_GEOCODER (geocoder), NULL);

  return g_object_new (AMAP_TYPE_LOCATE_DIALOG,
                       "transient-for", parent,
                       "store", store,
                       "geocoder", geocoder,
                       NULL);
}

guint
amap_locate_dialog_get_n_pending (AmapLocateDialog *self)
{
  g_return_val_if_fail (AMAP_IS_LOCATE_DIALOG (self), 0);

  return self->uuids->len;
}

void
amap_locate_dialog_start (AmapLocateDialog *self)
{
  g_return_if_fail (AMAP_IS_LOCATE_DIALOG (self));

  if (self->state != STATE_READY || self->geocoder == NULL || self->uuids->len == 0)
    return;

  self->cancellable = g_cancellable_new ();
  set_state (self, STATE_RUNNING);
  locate_next (self);
}

void
amap_locate_dialog_cancel (AmapLocateDialog *self)
{
  g_return_if_fail (AMAP_IS_LOCATE_DIALOG (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

gboolean
amap_locate_dialog_get_running (AmapLocateDialog *self)
{
  g_return_val_if_fail (AMAP_IS_LOCATE_DIALOG (self), FALSE);

  return self->state == STATE_RUNNING;
}

guint
amap_locate_dialog_get_n_found (AmapLocateDialog *self)
{
  g_return_val_if_fail (AMAP_IS_LOCATE_DIALOG (self), 0);

  return self->n_found;
}

guint
amap_locate_dialog_get_n_not_found (AmapLocateDialog *self)
{
  g_return_val_if_fail (AMAP_IS_LOCATE_DIALOG (self), 0);

  return self->n_not_found;
}

const char *
amap_locate_dialog_get_summary (AmapLocateDialog *self)
{
  g_return_val_if_fail (AMAP_IS_LOCATE_DIALOG (self), NULL);

  return self->summary;
}

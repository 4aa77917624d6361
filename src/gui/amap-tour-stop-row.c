/* amap-tour-stop-row.c: one stop of a tour in the tour panel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-tour-stop-row"

#include "config.h"

#include <glib/gi18n.h>

#include "amap-tour-layer.h"
#include "amap-tour-stop-row.h"

/* Typing pauses this long before the change is stored (one undo step per
 * burst of typing, not per key). */
#define COMMIT_DELAY_MS 800

struct _AmapTourStopRow
{
  AdwActionRow    parent_instance;

  GtkDrawingArea *badge;
  GtkMenuButton  *edit_button;
  GtkPopover     *edit_popover;
  GtkLabel       *heading_label;
  GtkSpinButton  *dwell_spin;
  GtkWidget      *bus_box;
  GtkDropDown    *bus_dropdown;
  GtkTextView    *note_view;
  GtkButton      *remove_button;

  char           *uuid;
  guint           index;
  guint           number;
  guint           bus;
  guint           n_buses;
  int             dwell;
  char           *note;         /* as last stored */
  gboolean        updating;
  guint           note_timeout_id;
  guint           dwell_timeout_id;
};

G_DEFINE_FINAL_TYPE (AmapTourStopRow, amap_tour_stop_row, ADW_TYPE_ACTION_ROW)

enum {
  DWELL_CHANGED,
  NOTE_CHANGED,
  BUS_CHANGED,
  REMOVE_REQUESTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char *
get_note_text (AmapTourStopRow *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->note_view);
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_strchomp (text);

  return text[0] != '\0' ? g_steal_pointer (&text) : NULL;
}

static void
commit_note (AmapTourStopRow *self)
{
  g_autofree char *text = NULL;

  g_clear_handle_id (&self->note_timeout_id, g_source_remove);

  text = get_note_text (self);
  if (g_strcmp0 (text, self->note) == 0)
    return;

  g_free (self->note);
  self->note = g_strdup (text);
  g_signal_emit (self, signals[NOTE_CHANGED], 0, text);
}

static void
commit_dwell (AmapTourStopRow *self)
{
  int dwell = gtk_spin_button_get_value_as_int (self->dwell_spin);

  g_clear_handle_id (&self->dwell_timeout_id, g_source_remove);

  if (dwell == self->dwell)
    return;

  self->dwell = dwell;
  g_signal_emit (self, signals[DWELL_CHANGED], 0, dwell);
}

static gboolean
note_timeout_cb (gpointer user_data)
{
  AmapTourStopRow *self = user_data;

  self->note_timeout_id = 0;
  commit_note (self);

  return G_SOURCE_REMOVE;
}

static gboolean
dwell_timeout_cb (gpointer user_data)
{
  AmapTourStopRow *self = user_data;

  self->dwell_timeout_id = 0;
  commit_dwell (self);

  return G_SOURCE_REMOVE;
}

static void
on_note_changed_cb (AmapTourStopRow *self)
{
  if (self->updating)
    return;

  g_clear_handle_id (&self->note_timeout_id, g_source_remove);
  self->note_timeout_id = g_timeout_add (COMMIT_DELAY_MS, note_timeout_cb, self);
}

static void
on_dwell_changed_cb (AmapTourStopRow *self)
{
  if (self->updating)
    return;

  g_clear_handle_id (&self->dwell_timeout_id, g_source_remove);
  self->dwell_timeout_id = g_timeout_add (COMMIT_DELAY_MS, dwell_timeout_cb, self);
}

static void
on_bus_selected_cb (AmapTourStopRow *self)
{
  guint bus = gtk_drop_down_get_selected (self->bus_dropdown);

  if (self->updating || bus == GTK_INVALID_LIST_POSITION || bus == self->bus)
    return;

  /* What was typed goes first, while the row still stands. */
  amap_tour_stop_row_flush (self);
  g_signal_emit (self, signals[BUS_CHANGED], 0, bus);
}

static void
on_remove_clicked_cb (AmapTourStopRow *self)
{
  gtk_popover_popdown (self->edit_popover);
  g_signal_emit (self, signals[REMOVE_REQUESTED], 0);
}

static void
on_popover_closed_cb (AmapTourStopRow *self)
{
  amap_tour_stop_row_flush (self);
}

static void
draw_badge (GtkDrawingArea *area,
            cairo_t        *cr,
            int             width,
            int             height,
            gpointer        user_data)
{
  AmapTourStopRow *self = user_data;
  g_autofree char *text = g_strdup_printf ("%u", self->number);
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (area), text);
  PangoFontDescription *font = pango_font_description_new ();
  double size = MIN (width, height);
  GdkRGBA color;
  int tw, th;

  if (!gdk_rgba_parse (&color, amap_tour_layer_get_bus_color (self->bus)))
    return;

  cairo_arc (cr, width / 2.0, height / 2.0, size / 2.0, 0, 2 * G_PI);
  gdk_cairo_set_source_rgba (cr, &color);
  cairo_fill (cr);

  pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_font_description_set_absolute_size (font, (self->number >= 100 ? 9.5 : 11.5) * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  pango_layout_get_pixel_size (layout, &tw, &th);
  cairo_move_to (cr, (width - tw) / 2.0, (height - th) / 2.0);
  cairo_set_source_rgb (cr, 1, 1, 1);
  pango_cairo_show_layout (cr, layout);
}

static void
amap_tour_stop_row_dispose (GObject *object)
{
  AmapTourStopRow *self = AMAP_TOUR_STOP_ROW (object);

  g_clear_handle_id (&self->note_timeout_id, g_source_remove);
  g_clear_handle_id (&self->dwell_timeout_id, g_source_remove);

  gtk_widget_dispose_template (GTK_WIDGET (self), AMAP_TYPE_TOUR_STOP_ROW);

  G_OBJECT_CLASS (amap_tour_stop_row_parent_class)->dispose (object);
}

static void
amap_tour_stop_row_finalize (GObject *object)
{
  AmapTourStopRow *self = AMAP_TOUR_STOP_ROW (object);

  g_free (self->uuid);
  g_free (self->note);

  G_OBJECT_CLASS (amap_tour_stop_row_parent_class)->finalize (object);
}

static void
amap_tour_stop_row_class_init (AmapTourStopRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = amap_tour_stop_row_dispose;
  object_class->finalize = amap_tour_stop_row_finalize;

  /**
   * AmapTourStopRow::dwell-changed:
   * @minutes: the new time at the stop
   */
  signals[DWELL_CHANGED] =
    g_signal_new ("dwell-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);
  /**
   * AmapTourStopRow::note-changed:
   * @note: (nullable): the talking points, NULL when cleared
   */
  signals[NOTE_CHANGED] =
    g_signal_new ("note-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * AmapTourStopRow::bus-changed:
   * @bus: the bus (0-based) the user moved the stop to
   */
  signals[BUS_CHANGED] =
    g_signal_new ("bus-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  /**
   * AmapTourStopRow::remove-requested:
   *
   * The user pressed Remove from Tour.
   */
  signals[REMOVE_REQUESTED] =
    g_signal_new ("remove-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/assetmap/AssetMap/amap-tour-stop-row.ui");
  gtk_widget_class_bind_template_child (widget_class, AmapTourStopRow, badge);
  gtk_widget_class_bind_template_child (widget_class, AmapTourStopRow, edit_button);
  gtk_widget_class_bind_template_child (widget_class, AmapTourStopRow, edit_popover);
  gtk_widget_class_bind_template_child (widget_class, AmapTourStopRow, heading_label);
  gtk_widget_class_bind_template_child (widget_class, AmapTourStopRow, dwell_spin);
  gtk_widget_class_bind_template_child (widget_class, AmapTourStopRow, bus_box);
  gtk_widget_class_bind_template_child (widget_class, AmapTourStopRow, bus_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AmapTourStopRow, note_view);
  gtk_widget_class_bind_template_child (widget_class, AmapTourStopRow, remove_button);

  gtk_widget_class_set_css_name (widget_class, "row");
}

static void
amap_tour_stop_row_init (AmapTourStopRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_drawing_area_set_draw_func (self->badge, draw_badge, self, NULL);

  g_signal_connect_swapped (gtk_text_view_get_buffer (self->note_view), "changed",
                            G_CALLBACK (on_note_changed_cb), self);
  g_signal_connect_swapped (self->dwell_spin, "value-changed", G_CALLBACK (on_dwell_changed_cb), self);
  g_signal_connect_swapped (self->bus_dropdown, "notify::selected", G_CALLBACK (on_bus_selected_cb), self);
  g_signal_connect_swapped (self->remove_button, "clicked", G_CALLBACK (on_remove_clicked_cb), self);
  g_signal_connect_swapped (self->edit_popover, "closed", G_CALLBACK (on_popover_closed_cb), self);
}

/* Public API */

GtkWidget *
amap_tour_stop_row_new (void)
{
  return g_object_new (AMAP_TYPE_TOUR_STOP_ROW, NULL);
}

void
amap_tour_stop_row_update (AmapTourStopRow *self,
                           AmapTourStop    *stop,
                           guint            index,
                           guint            number,
                           guint            n_buses,
                           const char      *name,
                           const char      *times,
                           const char      *tooltip)
{
  g_autofree char *edit_tooltip = NULL;
  gboolean editing;

  g_return_if_fail (AMAP_IS_TOUR_STOP_ROW (self));
  g_return_if_fail (AMAP_IS_TOUR_STOP (stop));

  self->updating = TRUE;

  g_free (self->uuid);
  self->uuid = g_strdup (amap_tour_stop_get_asset_uuid (stop));
  self->index = index;
  self->number = number;
  self->bus = amap_tour_stop_get_bus (stop);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), times);
  gtk_label_set_label (self->heading_label, name);
  gtk_widget_queue_draw (GTK_WIDGET (self->badge));

  /* Translators: the tooltip of a stop's edit button; %s is its name. */
  edit_tooltip = g_strdup_printf (_("Time at “%s”, Bus and Talking Points"), name);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->edit_button), edit_tooltip);

  if (n_buses != self->n_buses)
    {
      g_autoptr(GtkStringList) buses = gtk_string_list_new (NULL);

      for (guint i = 0; i < n_buses; i++)
        {
          /* Translators: a bus of a tour; %u counts from 1. */
          g_autofree char *label = g_strdup_printf (_("Bus %u"), i + 1);
          gtk_string_list_append (buses, label);
        }
      gtk_drop_down_set_model (self->bus_dropdown, G_LIST_MODEL (buses));
      self->n_buses = n_buses;
    }
  gtk_drop_down_set_selected (self->bus_dropdown, MIN (self->bus, n_buses - 1));
  gtk_widget_set_visible (self->bus_box, n_buses > 1);

  /* What the user is typing wins over what the store had. */
  editing = gtk_widget_get_visible (GTK_WIDGET (self->edit_popover));
  if (!editing || self->dwell_timeout_id == 0)
    {
      self->dwell = amap_tour_stop_get_dwell_minutes (stop);
      gtk_spin_button_set_value (self->dwell_spin, self->dwell);
    }
  if (!editing || self->note_timeout_id == 0)
    {
      const char *note = amap_tour_stop_get_note (stop);
      g_autofree char *current = get_note_text (self);

      g_free (self->note);
      self->note = g_strdup (note);
      if (g_strcmp0 (current, note) != 0)
        gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->note_view), note ? note : "", -1);
    }
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), tooltip);

  self->updating = FALSE;
}

guint
amap_tour_stop_row_get_index (AmapTourStopRow *self)
{
  g_return_val_if_fail (AMAP_IS_TOUR_STOP_ROW (self), 0);

  return self->index;
}

guint
amap_tour_stop_row_get_bus (AmapTourStopRow *self)
{
  g_return_val_if_fail (AMAP_IS_TOUR_STOP_ROW (self), 0);

  return self->bus;
}

const char *
amap_tour_stop_row_get_uuid (AmapTourStopRow *self)
{
  g_return_val_if_fail (AMAP_IS_TOUR_STOP_ROW (self), NULL);

  return self->uuid;
}

void
amap_tour_stop_row_edit (AmapTourStopRow *self)
{
  g_return_if_fail (AMAP_IS_TOUR_STOP_ROW (self));

  gtk_menu_button_popup (self->edit_button);
}

void
amap_tour_stop_row_flush (AmapTourStopRow *self)
{
  g_return_if_fail (AMAP_IS_TOUR_STOP_ROW (self));

  if (self->updating)
    return;

  if (self->dwell_timeout_id != 0)
    commit_dwell (self);
  if (self->note_timeout_id != 0)
    commit_note (self);
}

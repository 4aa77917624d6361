/* amap-itinerary.c: the pages of a tour's itinerary (pango + cairo)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-itinerary"

#include "config.h"

#include <langinfo.h>
#include <math.h>
#include <string.h>

#include <cairo-pdf.h>
#include <glib/gi18n.h>
#include <pango/pangocairo.h>

#include "amap-error.h"
#include "amap-itinerary.h"
#include "amap-map-render.h"

/*
 * How it works: amap_itinerary_new() copies what the pages show into
 * plain structs (Bus, Stop). amap_itinerary_paginate() turns them into a
 * flow of Items (text layouts, the map, the totals, rules, page breaks)
 * and cuts the flow into pages; a text item that does not fit is split
 * between two of its lines. amap_itinerary_draw_page() draws the pieces of
 * one page. All layouts come from one pango context at 72 dpi, so what
 * was measured is what is drawn, on any surface.
 */

/* Points. */
#define MARGIN_SIDE     54.0
#define MARGIN_TOP      50.0
#define MARGIN_BOTTOM   60.0
#define FOOTER_OFFSET   32.0   /* from the bottom edge to the footer's baseline area */
#define INDENT          34.0   /* stop details, right of the number */
#define NUMBER_RADIUS   11.0
#define ROW_NUMBER_RADIUS 7.5
#define MIN_MAP_HEIGHT  200.0
#define TOTALS_HEIGHT   48.0
#define BOX_PADDING     8.0
/* A stop's head (time, name, address) and this many lines of what follows
 * stay on one page. */
#define KEEP_LINES      2

#define FONT_FAMILY     "Cantarell, Noto Sans, DejaVu Sans, sans-serif"

#define TEXT_COLOR      "#241f31"
#define DIM_COLOR       "#5e5c64"
#define RULE_COLOR      "#deddda"
#define LATE_COLOR      "#c01c28"
#define LATE_FILL       "#fbe3e4"
#define WARN_FILL       "#fdf3d8"
#define TOTALS_FILL     "#f6f5f4"

typedef struct
{
  char *name;
  char *role;
  char *phone;
} Leader;

typedef struct
{
  char      *name;
  char      *address;
  char      *strengths;
  char      *needs;
  char      *note;
  GArray    *leaders;          /* Leader */
  GDateTime *arrival;
  GDateTime *departure;
  int        dwell_minutes;
  double     leg_distance_m;
  double     leg_duration_s;
} Stop;

typedef struct
{
  guint          index;
  char          *color;
  char          *start_name;
  char          *end_name;
  GDateTime     *departure;
  GDateTime     *back;
  GDateTime     *latest_return;
  double         distance_m;
  double         driving_s;
  double         total_s;
  double         last_leg_distance_m;
  double         last_leg_duration_s;
  gboolean       late;
  int            minutes_late;
  gboolean       on_roads;
  GArray        *stops;        /* Stop */
  AmapMapRender *map;
} Bus;

typedef enum
{
  ITEM_TEXT,
  ITEM_MAP,
  ITEM_TOTALS,
  ITEM_RULE,
  ITEM_PAGE_BREAK,
} ItemKind;

typedef enum
{
  DECO_NONE,
  DECO_NUMBER,      /* a big numbered circle left of the first line */
  DECO_ROW_NUMBER,  /* a small one, in the schedule table */
} Decoration;

typedef struct
{
  ItemKind     kind;
  PangoLayout *layout;         /* ITEM_TEXT */
  double       x;              /* from the left margin */
  double       space_before;
  /* The first item of a stop: it, and what follows up to @keep_lines
   * lines after the head, move to the next page together. */
  gboolean     block_start;
  guint        block_head;     /* items in the head of the block */
  /* A heading: on the same page as the first line of the next item. */
  gboolean     keep_with_next;
  /* A text item beside this one's first line: a time in the table. */
  PangoLayout *aside;
  double       aside_x;
  Decoration   decoration;
  char        *number;
  const char  *color;          /* of the decoration or box */
  const char  *box_fill;       /* a tinted box behind the text */
  /* Repeated at the top of a page on which the block goes on. */
  PangoLayout *continued;
  double       height;         /* ITEM_MAP, ITEM_TOTALS, ITEM_RULE */
  Bus         *bus;
  /* Line extents in points, for splitting: n_lines + 1 boundaries. */
  double      *line_y;
  int          n_lines;
  PangoLayout *totals[8];      /* ITEM_TOTALS: label, value × 4 */
} Item;

typedef struct
{
  Item   *item;
  double  y;           /* top on the page */
  int     first_line;  /* ITEM_TEXT: the lines shown */
  int     end_line;
} Piece;

typedef struct
{
  GArray *pieces;  /* Piece */
  Bus    *bus;
} Page;

struct _AmapItinerary
{
  GObject       parent_instance;

  char         *name;
  char         *date;
  GPtrArray    *buses;       /* Bus */
  GPtrArray    *warnings;    /* char * */

  /* From amap_itinerary_paginate() */
  double        width;
  double        height;
  PangoContext *context;
  GPtrArray    *items;       /* Item */
  GPtrArray    *pages;       /* Page */
};

G_DEFINE_FINAL_TYPE (AmapItinerary, amap_itinerary, G_TYPE_OBJECT)

static void
leader_clear (gpointer data)
{
  Leader *leader = data;

  g_clear_pointer (&leader->name, g_free);
  g_clear_pointer (&leader->role, g_free);
  g_clear_pointer (&leader->phone, g_free);
}

static void
stop_clear (gpointer data)
{
  Stop *stop = data;

  g_clear_pointer (&stop->name, g_free);
  g_clear_pointer (&stop->address, g_free);
  g_clear_pointer (&stop->strengths, g_free);
  g_clear_pointer (&stop->needs, g_free);
  g_clear_pointer (&stop->note, g_free);
  g_clear_pointer (&stop->leaders, g_array_unref);
  g_clear_pointer (&stop->arrival, g_date_time_unref);
  g_clear_pointer (&stop->departure, g_date_time_unref);
}

static void
bus_free (gpointer data)
{
  Bus *bus = data;

  g_free (bus->color);
  g_free (bus->start_name);
  g_free (bus->end_name);
  g_clear_pointer (&bus->departure, g_date_time_unref);
  g_clear_pointer (&bus->back, g_date_time_unref);
  g_clear_pointer (&bus->latest_return, g_date_time_unref);
  g_clear_pointer (&bus->stops, g_array_unref);
  g_clear_object (&bus->map);
  g_free (bus);
}

static void
item_free (gpointer data)
{
  Item *item = data;

  g_clear_object (&item->layout);
  g_clear_object (&item->aside);
  g_clear_object (&item->continued);
  for (guint i = 0; i < G_N_ELEMENTS (item->totals); i++)
    g_clear_object (&item->totals[i]);
  g_free (item->number);
  g_free (item->line_y);
  g_free (item);
}

static void
page_free (gpointer data)
{
  Page *page = data;

  g_array_unref (page->pieces);
  g_free (page);
}

/* Formatting */

static gboolean
locale_uses_12_hours (void)
{
  const char *format = nl_langinfo (T_FMT);

  return format != NULL
         && (strstr (format, "%I") != NULL || strstr (format, "%l") != NULL
             || strstr (format, "%r") != NULL);
}

static gboolean
locale_uses_miles (void)
{
#ifdef __GLIBC__
  const char *measurement = nl_langinfo (_NL_MEASUREMENT_MEASUREMENT);

  return measurement != NULL && measurement[0] == 2;
#else
  return FALSE;
#endif
}

static char *
format_time (GDateTime *time)
{
  if (time == NULL)
    return g_strdup ("—");

  /* Translators: a time of day on the 12-hour clock, see g_date_time_format() */
  return g_date_time_format (time, locale_uses_12_hours () ? _("%-l:%M %p")
                                                          /* Translators: a time of day on the 24-hour clock */
                                                          : _("%H:%M"));
}

/* "9:12 – 9:27 AM" when both are in the morning, else both in full. */
static char *
format_time_range (GDateTime *from,
                   GDateTime *to)
{
  g_autofree char *start = NULL;
  g_autofree char *end = format_time (to);

  if (from != NULL && to != NULL && locale_uses_12_hours ())
    {
      g_autofree char *from_ampm = g_date_time_format (from, "%p");
      g_autofree char *to_ampm = g_date_time_format (to, "%p");

      if (g_strcmp0 (from_ampm, to_ampm) == 0)
        /* Translators: the start of a time range on the 12-hour clock, without AM/PM */
        start = g_date_time_format (from, _("%-l:%M"));
    }
  if (start == NULL)
    start = format_time (from);

  return g_strdup_printf ("%s – %s", start, end);
}

static char *
format_date (GDateTime *time)
{
  /* Translators: a tour's date, see g_date_time_format() */
  return g_date_time_format (time, _("%A, %B %-d, %Y"));
}

static char *
format_duration (double seconds)
{
  int minutes = (int) floor (seconds / 60 + 0.5);

  /* A short drive is still a drive. */
  if (minutes == 0 && seconds > 0)
    minutes = 1;

  if (minutes < 60)
    /* Translators: a duration under an hour */
    return g_strdup_printf (_("%d min"), minutes);
  if (minutes % 60 == 0)
    /* Translators: a duration in whole hours */
    return g_strdup_printf (_("%d h"), minutes / 60);
  /* Translators: a duration in hours and minutes */
  return g_strdup_printf (_("%d h %02d min"), minutes / 60, minutes % 60);
}

static char *
format_distance (double meters)
{
  if (locale_uses_miles ())
    {
      double miles = meters / 1609.344;

      /* Translators: a distance in miles */
      return g_strdup_printf (miles < 10 ? _("%.1f mi") : _("%.0f mi"), miles);
    }

  if (meters < 1000)
    /* Translators: a distance in meters */
    return g_strdup_printf (_("%.0f m"), meters);
  /* Translators: a distance in kilometers */
  return g_strdup_printf (meters < 10000 ? _("%.1f km") : _("%.0f km"), meters / 1000);
}

/* The bus's name for people, or NULL with a single bus. */
static char *
bus_label (AmapItinerary *self,
           Bus           *bus)
{
  if (self->buses->len <= 1)
    return NULL;

  /* Translators: the first number is the bus, the second how many there are */
  return g_strdup_printf (_("Bus %u of %u"), bus->index + 1, self->buses->len);
}

/* Copying the plan */

static char *
dup_text (const char *text)
{
  g_autofree char *copy = NULL;

  if (text == NULL)
    return NULL;

  copy = g_utf8_make_valid (text, -1);
  g_strstrip (copy);
  return copy[0] != '\0' ? g_steal_pointer (&copy) : NULL;
}

static Bus *
bus_new_from_plan (AmapTourPlan *plan,
                   guint         index)
{
  Bus *bus = g_new0 (Bus, 1);
  AmapSchedule *schedule = amap_tour_plan_get_schedule (plan, index);
  AmapTour *tour = amap_tour_plan_get_tour (plan);
  const char *start_name = NULL, *end_name = NULL;
  guint n_stops = amap_tour_plan_get_n_stops (plan, index);
  GDateTime *latest;
  AmapRouteLeg *last_leg;

  bus->index = index;
  bus->color = g_strdup (amap_map_render_get_bus_color (index));
  amap_tour_plan_get_start (plan, NULL, NULL, &start_name);
  amap_tour_plan_get_end (plan, NULL, NULL, &end_name);
  bus->start_name = dup_text (start_name);
  bus->end_name = dup_text (end_name);
  bus->on_roads = amap_tour_plan_get_on_roads (plan);

  bus->stops = g_array_new (FALSE, TRUE, sizeof (Stop));
  g_array_set_clear_func (bus->stops, stop_clear);

  if (schedule != NULL)
    {
      bus->departure = g_date_time_ref (amap_schedule_get_departure (schedule));
      bus->back = g_date_time_ref (amap_schedule_get_return (schedule));
      bus->distance_m = amap_schedule_get_distance_m (schedule);
      bus->driving_s = amap_schedule_get_driving_s (schedule);
      bus->total_s = amap_schedule_get_total_s (schedule);
      bus->late = amap_schedule_is_late (schedule, &bus->minutes_late);
    }
  latest = amap_tour_get_latest_return (tour);
  bus->latest_return = latest != NULL ? g_date_time_ref (latest) : NULL;

  /* The minutes late between the times as printed (to the minute), so
   * that "back at 10:06, 6 minutes after 10:00" adds up. */
  if (bus->late && bus->back != NULL && latest != NULL)
    {
      gint64 back_minute = g_date_time_to_unix (bus->back) / 60;
      gint64 latest_minute = g_date_time_to_unix (latest) / 60;

      bus->minutes_late = (int) MAX (back_minute - latest_minute, 1);
    }

  last_leg = amap_tour_plan_get_leg (plan, index, n_stops);
  if (last_leg != NULL)
    {
      bus->last_leg_distance_m = last_leg->distance_m;
      bus->last_leg_duration_s = last_leg->duration_s;
    }

  for (guint i = 0; i < n_stops; i++)
    {
      AmapTourStop *tour_stop = amap_tour_plan_get_stop (plan, index, i);
      AmapAsset *asset = amap_tour_plan_get_stop_asset (plan, index, i);
      GPtrArray *contacts = amap_asset_get_contacts (asset);
      Stop stop = { 0 };

      stop.name = dup_text (amap_asset_get_name (asset));
      stop.address = dup_text (amap_asset_get_address (asset));
      stop.strengths = dup_text (amap_asset_get_strengths (asset));
      stop.needs = dup_text (amap_asset_get_needs (asset));
      stop.note = dup_text (amap_tour_stop_get_note (tour_stop));
      stop.dwell_minutes = amap_tour_stop_get_dwell_minutes (tour_stop);
      stop.leaders = g_array_new (FALSE, TRUE, sizeof (Leader));
      g_array_set_clear_func (stop.leaders, leader_clear);
      for (guint j = 0; contacts != NULL && j < contacts->len; j++)
        {
          AmapContact *contact = g_ptr_array_index (contacts, j);
          Leader leader = {
            dup_text (amap_contact_get_name (contact)),
            dup_text (amap_contact_get_role (contact)),
            dup_text (amap_contact_get_phone (contact)),
          };

          if (leader.name == NULL && leader.role == NULL && leader.phone == NULL)
            continue;
          g_array_append_val (stop.leaders, leader);
        }

      if (schedule != NULL && i < amap_schedule_get_n_stops (schedule))
        {
          const AmapScheduleStop *times = amap_schedule_get_stop (schedule, i);

          stop.arrival = g_date_time_ref (times->arrival);
          stop.departure = g_date_time_ref (times->departure);
          stop.leg_distance_m = times->leg_distance_m;
          stop.leg_duration_s = times->leg_duration_s;
        }

      g_array_append_val (bus->stops, stop);
    }

  bus->map = amap_map_render_new ();
  amap_map_render_add_tour (bus->map, plan, (int) index);

  return bus;
}

/* Layouts */

static PangoLayout *
new_layout (AmapItinerary *self,
            const char    *markup,
            double         size,
            PangoWeight    weight,
            double         width)
{
  PangoLayout *layout = pango_layout_new (self->context);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string (FONT_FAMILY);

  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  pango_font_description_set_weight (font, weight);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  if (width > 0)
    pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_markup (layout, markup, -1);

  return layout;
}

static double
layout_height (PangoLayout *layout)
{
  int height;

  pango_layout_get_size (layout, NULL, &height);
  return (double) height / PANGO_SCALE;
}

static double
content_width (AmapItinerary *self)
{
  return self->width - 2 * MARGIN_SIDE;
}

static Item *
add_item (AmapItinerary *self,
          ItemKind       kind,
          Bus           *bus)
{
  Item *item = g_new0 (Item, 1);

  item->kind = kind;
  item->bus = bus;
  g_ptr_array_add (self->items, item);
  return item;
}

/* A paragraph of @markup. */
static Item *
add_text (AmapItinerary *self,
          Bus           *bus,
          const char    *markup,
          double         size,
          PangoWeight    weight,
          double         x,
          double         space_before)
{
  Item *item = add_item (self, ITEM_TEXT, bus);
  double width = content_width (self) - x;

  item->x = x;
  item->space_before = space_before;
  item->layout = new_layout (self, markup, size, weight, width);
  return item;
}

static void
add_heading (AmapItinerary *self,
             Bus           *bus,
             const char    *text,
             double         x,
             double         space_before)
{
  g_autofree char *upper = g_utf8_strup (text, -1);
  g_autofree char *markup = g_markup_printf_escaped ("<span foreground=\"%s\" letter_spacing=\"120\">%s</span>",
                                                     DIM_COLOR, upper);

  add_text (self, bus, markup, 7.5, PANGO_WEIGHT_BOLD, x, space_before)->keep_with_next = TRUE;
}

/* Line boundaries of a text item, for splitting it between pages. */
static void
measure_lines (Item *item)
{
  PangoLayoutIter *iter;
  int n = pango_layout_get_line_count (item->layout);
  int i = 0;

  item->n_lines = n;
  g_free (item->line_y);
  item->line_y = g_new0 (double, n + 1);

  iter = pango_layout_get_iter (item->layout);
  do
    {
      int y0, y1;

      pango_layout_iter_get_line_yrange (iter, &y0, &y1);
      if (i < n)
        item->line_y[i] = (double) y0 / PANGO_SCALE;
      item->line_y[MIN (i + 1, n)] = (double) y1 / PANGO_SCALE;
      i++;
    }
  while (pango_layout_iter_next_line (iter));
  pango_layout_iter_free (iter);

  item->line_y[n] = MAX (item->line_y[n], layout_height (item->layout));
}

static double item_height (Item *item);

/* The flow */

static void
build_overview (AmapItinerary *self,
                Bus           *bus)
{
  g_autofree char *label = bus_label (self, bus);
  g_autofree char *departs = format_time (bus->departure);
  g_autofree char *back = format_time (bus->back);
  g_autoptr(GString) line = g_string_new (NULL);
  guint first_item = self->items->len;
  guint first_row;
  double time_column = 0;
  Item *item;
  Item *map;

  /* The overline: what this is, and which bus. */
  {
    g_autofree char *what = g_utf8_strup (label != NULL ? label : _("Bus Tour Itinerary"), -1);
    g_autofree char *markup = g_markup_printf_escaped ("<span foreground=\"%s\" letter_spacing=\"200\">%s</span>",
                                                       label != NULL ? bus->color : DIM_COLOR,
                                                       what);

    add_text (self, bus, markup, 8.5, PANGO_WEIGHT_BOLD, 0, 0);
  }

  {
    g_autofree char *markup = g_markup_escape_text (self->name, -1);

    add_text (self, bus, markup, 22, PANGO_WEIGHT_BOLD, 0, 4);
  }

  if (self->date != NULL)
    g_string_append (line, self->date);
  if (bus->start_name != NULL)
    {
      g_autofree char *from = NULL;

      if (line->len > 0)
        g_string_append (line, " · ");
      /* Translators: %s is a time, the second %s a place */
      from = g_strdup_printf (_("Departs %s from %s"), departs, bus->start_name);
      g_string_append (line, from);
    }
  {
    g_autofree char *markup = g_markup_escape_text (line->str, -1);

    add_text (self, bus, markup, 11, PANGO_WEIGHT_NORMAL, 0, 4);
  }

  map = add_item (self, ITEM_MAP, bus);
  map->space_before = 14;

  item = add_item (self, ITEM_TOTALS, bus);
  item->space_before = 12;
  item->height = TOTALS_HEIGHT;
  {
    const double cell = content_width (self) / 4;
    g_autofree char *n_stops = g_strdup_printf ("%u", bus->stops->len);
    g_autofree char *distance = format_distance (bus->distance_m);
    g_autofree char *driving = format_duration (bus->driving_s);
    g_autofree char *total = format_duration (bus->total_s);
    const char *labels[4] = { _("Stops"), _("Distance"), _("Driving"), _("Tour length") };
    const char *values[4] = { n_stops, distance, driving, total };

    for (guint i = 0; i < 4; i++)
      {
        g_autofree char *upper = g_utf8_strup (labels[i], -1);
        g_autofree char *label_markup = g_markup_printf_escaped ("<span foreground=\"%s\" letter_spacing=\"120\">%s</span>",
                                                                 DIM_COLOR, upper);
        g_autofree char *value_markup = g_markup_escape_text (values[i], -1);

        item->totals[2 * i] = new_layout (self, label_markup, 7, PANGO_WEIGHT_BOLD, cell - 16);
        item->totals[2 * i + 1] = new_layout (self, value_markup, 15, PANGO_WEIGHT_BOLD, cell - 16);
        pango_layout_set_ellipsize (item->totals[2 * i + 1], PANGO_ELLIPSIZE_END);
      }
  }

  /* Departure and return in words. */
  {
    g_autoptr(GString) text = g_string_new (NULL);
    g_autofree char *markup = NULL;

    g_string_append_printf (text, _("Departs at %s"), departs);
    g_string_append (text, " · ");
    if (bus->end_name != NULL)
      /* Translators: the first %s is a time, the second a place */
      g_string_append_printf (text, _("back at %s at %s"), bus->end_name, back);
    else
      g_string_append_printf (text, _("back at %s"), back);
    if (bus->latest_return != NULL)
      {
        g_autofree char *latest = format_time (bus->latest_return);

        g_string_append (text, " · ");
        /* Translators: %s is a time */
        g_string_append_printf (text, _("latest return %s"), latest);
      }
    if (!bus->on_roads)
      {
        g_string_append (text, "\n");
        g_string_append (text, _("Driving times are estimates from straight-line distances."));
      }
    markup = g_markup_printf_escaped ("<span foreground=\"%s\">%s</span>", DIM_COLOR, text->str);
    add_text (self, bus, markup, 9.5, PANGO_WEIGHT_NORMAL, 0, 8);
  }

  if (bus->late)
    {
      g_autofree char *latest = format_time (bus->latest_return);
      g_autofree char *text = NULL;
      g_autofree char *markup = NULL;

      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "This bus is back at %s, %d minute after the latest return (%s). Leave out a stop or shorten the visits.",
                                           "This bus is back at %s, %d minutes after the latest return (%s). Leave out a stop or shorten the visits.",
                                           bus->minutes_late),
                              back, bus->minutes_late, latest);
      markup = g_markup_printf_escaped ("<span foreground=\"%s\"><b>%s</b> %s</span>",
                                        LATE_COLOR, _("Running late."), text);
      item = add_text (self, bus, markup, 10, PANGO_WEIGHT_NORMAL, BOX_PADDING, 12);
      pango_layout_set_width (item->layout,
                              (int) ((content_width (self) - 2 * BOX_PADDING) * PANGO_SCALE));
      item->box_fill = LATE_FILL;
      item->color = LATE_COLOR;
    }

  for (guint i = 0; i < self->warnings->len; i++)
    {
      g_autofree char *markup = g_markup_escape_text (g_ptr_array_index (self->warnings, i), -1);

      item = add_text (self, bus, markup, 9.5, PANGO_WEIGHT_NORMAL, BOX_PADDING, i == 0 ? 12 : 6);
      pango_layout_set_width (item->layout,
                              (int) ((content_width (self) - 2 * BOX_PADDING) * PANGO_SCALE));
      item->box_fill = WARN_FILL;
    }

  /* The schedule at a glance: the times in a column as wide as the
   * widest of them. */
  add_heading (self, bus, _("Schedule"), 0, 18);
  first_row = self->items->len;
  for (guint i = 0; i <= bus->stops->len + 1; i++)
    {
      g_autofree char *time = NULL;
      g_autofree char *name = NULL;
      g_autofree char *time_markup = NULL;

      if (i == 0)
        {
          time = format_time (bus->departure);
          name = g_markup_printf_escaped ("<span foreground=\"%s\">%s</span>", DIM_COLOR,
                                          bus->start_name != NULL ? bus->start_name : _("Start"));
        }
      else if (i == bus->stops->len + 1)
        {
          time = format_time (bus->back);
          name = g_markup_printf_escaped ("<span foreground=\"%s\">%s</span>", DIM_COLOR,
                                          bus->end_name != NULL ? bus->end_name : _("End"));
        }
      else
        {
          Stop *stop = &g_array_index (bus->stops, Stop, i - 1);
          time = format_time_range (stop->arrival, stop->departure);
          name = g_markup_escape_text (stop->name != NULL ? stop->name : "", -1);
        }

      item = add_text (self, bus, name, 10, i == 0 || i == bus->stops->len + 1
                                                ? PANGO_WEIGHT_NORMAL : PANGO_WEIGHT_BOLD,
                       2 * ROW_NUMBER_RADIUS + 8, i == 0 ? 6 : 5);
      time_markup = g_markup_escape_text (time, -1);
      item->aside = new_layout (self, time_markup, 10, PANGO_WEIGHT_NORMAL, -1);
      item->aside_x = 2 * ROW_NUMBER_RADIUS + 8;
      {
        int width;

        pango_layout_get_size (item->aside, &width, NULL);
        time_column = MAX (time_column, (double) width / PANGO_SCALE);
      }
      if (i >= 1 && i <= bus->stops->len)
        {
          item->decoration = DECO_ROW_NUMBER;
          item->number = g_strdup_printf ("%u", i);
          item->color = bus->color;
        }
    }

  for (guint i = first_row; i < self->items->len; i++)
    {
      Item *row = g_ptr_array_index (self->items, i);

      row->x = 2 * ROW_NUMBER_RADIUS + 8 + time_column + 14;
      pango_layout_set_width (row->layout, (int) ((content_width (self) - row->x) * PANGO_SCALE));
    }

  /* The map takes the room the rest of the page leaves, so that a
   * schedule that can fit on page one does. */
  {
    double others = 0;
    double room = self->height - MARGIN_TOP - MARGIN_BOTTOM;

    for (guint i = first_item; i < self->items->len; i++)
      {
        Item *other = g_ptr_array_index (self->items, i);

        if (other == map)
          continue;
        if (other->kind == ITEM_TEXT)
          measure_lines (other);
        others += (i > first_item ? other->space_before : 0) + item_height (other);
      }
    map->height = CLAMP (room - others - map->space_before - 2, MIN_MAP_HEIGHT,
                         content_width (self) * 0.62);
  }
}

static void
add_section (AmapItinerary *self,
             Bus           *bus,
             const char    *heading,
             const char    *text)
{
  g_autofree char *markup = NULL;

  if (text == NULL)
    return;

  add_heading (self, bus, heading, INDENT, 8);
  markup = g_markup_escape_text (text, -1);
  add_text (self, bus, markup, 10.5, PANGO_WEIGHT_NORMAL, INDENT, 2);
}

static void
build_stop (AmapItinerary *self,
            Bus           *bus,
            guint          index)
{
  Stop *stop = &g_array_index (bus->stops, Stop, index);
  g_autofree char *range = format_time_range (stop->arrival, stop->departure);
  g_autofree char *dwell = format_duration (stop->dwell_minutes * 60.0);
  g_autofree char *drive = format_duration (stop->leg_duration_s);
  g_autofree char *distance = format_distance (stop->leg_distance_m);
  g_autofree char *times = NULL;
  g_autofree char *name = NULL;
  g_autofree char *continued = NULL;
  Item *first;
  guint head_start = self->items->len;

  if (index > 0)
    {
      Item *rule = add_item (self, ITEM_RULE, bus);

      rule->space_before = 12;
      rule->height = 1;
    }

  /* Translators: arrival and departure times, how long the stop lasts, and
   * the drive there: "9:12 AM – 9:27 AM · 15 min here · 4 min drive, 1.2 km" */
  times = g_markup_printf_escaped (_("<span foreground=\"%s\"><b>%s</b></span>"
                                     "<span foreground=\"%s\">  ·  %s here  ·  %s drive, %s</span>"),
                                   bus->color, range, DIM_COLOR, dwell, drive, distance);
  first = add_text (self, bus, times, 10, PANGO_WEIGHT_NORMAL, INDENT, index > 0 ? 12 : 0);
  first->block_start = TRUE;
  first->decoration = DECO_NUMBER;
  first->number = g_strdup_printf ("%u", index + 1);
  first->color = bus->color;

  name = g_markup_escape_text (stop->name != NULL ? stop->name : "", -1);
  add_text (self, bus, name, 15, PANGO_WEIGHT_BOLD, INDENT, 2);

  if (stop->address != NULL)
    {
      g_autofree char *markup = g_markup_printf_escaped ("<span foreground=\"%s\">%s</span>",
                                                         DIM_COLOR, stop->address);

      add_text (self, bus, markup, 10, PANGO_WEIGHT_NORMAL, INDENT, 1);
    }

  first->block_head = self->items->len - head_start;

  /* Translators: at the top of a page, the stop whose details go on there */
  continued = g_markup_printf_escaped (_("<span foreground=\"%s\">%u. %s (continued)</span>"),
                                       DIM_COLOR, index + 1, stop->name != NULL ? stop->name : "");
  first->continued = new_layout (self, continued, 8.5, PANGO_WEIGHT_BOLD, content_width (self));

  if (stop->leaders->len > 0)
    {
      g_autoptr(GString) markup = g_string_new (NULL);

      add_heading (self, bus, _("Meet"), INDENT, 8);
      for (guint i = 0; i < stop->leaders->len; i++)
        {
          Leader *leader = &g_array_index (stop->leaders, Leader, i);
          g_autofree char *escaped_name = g_markup_escape_text (leader->name != NULL ? leader->name : "", -1);

          if (i > 0)
            g_string_append_c (markup, '\n');
          g_string_append_printf (markup, "<b>%s</b>", escaped_name);
          if (leader->role != NULL)
            {
              g_autofree char *role = g_markup_escape_text (leader->role, -1);

              g_string_append_printf (markup, "%s%s", leader->name != NULL ? ", " : "", role);
            }
          if (leader->phone != NULL)
            {
              g_autofree char *phone = g_markup_escape_text (leader->phone, -1);

              g_string_append_printf (markup, "  <span foreground=\"%s\">·</span>  %s", DIM_COLOR, phone);
            }
        }
      add_text (self, bus, markup->str, 10.5, PANGO_WEIGHT_NORMAL, INDENT, 2);
    }

  add_section (self, bus, _("They offer"), stop->strengths);
  add_section (self, bus, _("They need"), stop->needs);
  add_section (self, bus, _("Talking points"), stop->note);
}

static void
build_flow (AmapItinerary *self)
{
  for (guint b = 0; b < self->buses->len; b++)
    {
      Bus *bus = g_ptr_array_index (self->buses, b);
      Item *item;

      if (b > 0)
        add_item (self, ITEM_PAGE_BREAK, bus);

      build_overview (self, bus);
      add_item (self, ITEM_PAGE_BREAK, bus);

      {
        g_autofree char *label = bus_label (self, bus);
        g_autofree char *what = g_utf8_strup (label != NULL ? label : _("Stops"), -1);
        g_autofree char *markup = g_markup_printf_escaped ("<span foreground=\"%s\" letter_spacing=\"200\">%s</span>",
                                                           label != NULL ? bus->color : DIM_COLOR, what);

        add_text (self, bus, markup, 8.5, PANGO_WEIGHT_BOLD, 0, 0);
      }

      if (bus->start_name != NULL)
        {
          g_autofree char *departs = format_time (bus->departure);
          g_autofree char *markup = NULL;

          /* Translators: the first %s is a time, the second a place */
          markup = g_markup_printf_escaped (_("<b>%s</b>  Depart from %s"), departs, bus->start_name);
          add_text (self, bus, markup, 10.5, PANGO_WEIGHT_NORMAL, 0, 6);
        }

      item = add_item (self, ITEM_RULE, bus);
      item->space_before = 10;
      item->height = 1;

      for (guint i = 0; i < bus->stops->len; i++)
        build_stop (self, bus, i);

      item = add_item (self, ITEM_RULE, bus);
      item->space_before = 12;
      item->height = 1;

      {
        g_autofree char *back = format_time (bus->back);
        g_autofree char *drive = format_duration (bus->last_leg_duration_s);
        g_autofree char *distance = format_distance (bus->last_leg_distance_m);
        g_autofree char *markup = NULL;

        /* Translators: a time, a place, then the drive there */
        markup = g_markup_printf_escaped (_("<b>%s</b>  Back at %s  <span foreground=\"%s\">·  %s drive, %s</span>"),
                                          back, bus->end_name != NULL ? bus->end_name : _("the end"),
                                          DIM_COLOR, drive, distance);
        add_text (self, bus, markup, 10.5, PANGO_WEIGHT_NORMAL, 0, 10);
      }
    }

  for (guint i = 0; i < self->items->len; i++)
    {
      Item *item = g_ptr_array_index (self->items, i);

      if (item->kind == ITEM_TEXT && item->line_y == NULL)
        measure_lines (item);
    }
}

/* Pagination */

static double
item_height (Item *item)
{
  if (item->kind == ITEM_TEXT)
    {
      double height = item->line_y[item->n_lines];

      if (item->aside != NULL)
        height = MAX (height, layout_height (item->aside));
      if (item->decoration == DECO_NUMBER)
        height = MAX (height, 2 * NUMBER_RADIUS);
      if (item->box_fill != NULL)
        height += 2 * BOX_PADDING;
      return height;
    }

  return item->height;
}

static Page *
new_page (AmapItinerary *self,
          Bus           *bus)
{
  Page *page = g_new0 (Page, 1);

  page->pieces = g_array_new (FALSE, TRUE, sizeof (Piece));
  page->bus = bus;
  g_ptr_array_add (self->pages, page);
  return page;
}

static void
place (Page   *page,
       Item   *item,
       double  y,
       int     first_line,
       int     end_line)
{
  Piece piece = { item, y, first_line, end_line };

  g_array_append_val (page->pieces, piece);
}

/* The height the block starting at @start needs on one page: its head and
 * KEEP_LINES lines of what follows. */
static double
keep_height (AmapItinerary *self,
             guint          start)
{
  Item *first = g_ptr_array_index (self->items, start);
  double height = 0;
  guint i;

  for (i = start; i < self->items->len && i < start + MAX (first->block_head, 1); i++)
    {
      Item *item = g_ptr_array_index (self->items, i);

      height += (i > start ? item->space_before : 0) + item_height (item);
    }

  /* The heading of the first section, and a line or two of its text. */
  for (guint lines = 0; i < self->items->len && lines < KEEP_LINES; i++)
    {
      Item *item = g_ptr_array_index (self->items, i);

      if (item->kind != ITEM_TEXT || item->block_start)
        break;
      height += item->space_before;
      if (item->n_lines > 1 && lines + item->n_lines > KEEP_LINES)
        {
          height += item->line_y[KEEP_LINES - lines];
          break;
        }
      height += item_height (item);
      lines += item->n_lines;
    }

  return height;
}

static void
paginate (AmapItinerary *self)
{
  const double top = MARGIN_TOP;
  const double bottom = self->height - MARGIN_BOTTOM;
  Page *page = NULL;
  double y = top;
  Item *block = NULL;  /* the stop being laid out */

  for (guint i = 0; i < self->items->len; i++)
    {
      Item *item = g_ptr_array_index (self->items, i);
      gboolean at_top;
      double space;

      if (item->kind == ITEM_PAGE_BREAK)
        {
          page = NULL;
          block = NULL;
          continue;
        }

      if (page == NULL)
        {
          page = new_page (self, item->bus);
          y = top;
        }

      if (item->block_start)
        block = item;
      else if (item->kind == ITEM_RULE)
        block = NULL;

      at_top = page->pieces->len == 0;
      space = at_top ? 0 : item->space_before;

      /* A stop starts on a new page unless its head fits; the rule that
       * would have separated it stays behind. */
      if (item->block_start && !at_top && y + space + keep_height (self, i) > bottom)
        {
          Piece *last = &g_array_index (page->pieces, Piece, page->pieces->len - 1);

          if (last->item->kind == ITEM_RULE)
            g_array_set_size (page->pieces, page->pieces->len - 1);
          page = new_page (self, item->bus);
          y = top;
          space = 0;
        }

      /* A heading goes with the first line of what it heads. */
      if (item->keep_with_next && !at_top && i + 1 < self->items->len)
        {
          Item *next = g_ptr_array_index (self->items, i + 1);
          double next_h = next->kind == ITEM_TEXT && next->n_lines > 0 && next->box_fill == NULL
                          ? next->line_y[1] : item_height (next);

          if (y + space + item_height (item) + next->space_before + next_h > bottom)
            {
              page = new_page (self, item->bus);
              y = top;
              space = 0;
              if (block != NULL)
                {
                  place (page, block, y, -1, -1);
                  y += layout_height (block->continued) + 6;
                }
            }
        }

      /* A rule at the bottom of a page is not needed. */
      if (item->kind == ITEM_RULE && y + space + item->height > bottom)
        {
          page = NULL;
          continue;
        }
      if (item->kind == ITEM_RULE && at_top)
        continue;

      if (item->kind != ITEM_TEXT || item->box_fill != NULL || item->aside != NULL
          || item->n_lines <= 1)
        {
          /* Not split: on this page if it fits (or if nothing could be
           * gained by moving it, at the top of a page), else the next. */
          if (!at_top && y + space + item_height (item) > bottom)
            {
              page = new_page (self, item->bus);
              y = top;
              space = 0;
              if (block != NULL && !item->block_start)
                {
                  place (page, block, y, -1, -1);  /* "(continued)" */
                  y += layout_height (block->continued) + 6;
                }
            }
          place (page, item, y + space, 0, item->kind == ITEM_TEXT ? item->n_lines : 0);
          y += space + item_height (item);
          continue;
        }

      /* A paragraph, split between lines as the pages need. */
      {
        int line = 0;

        while (line < item->n_lines)
          {
            double avail = bottom - (y + space);
            int end = line;

            while (end < item->n_lines
                   && item->line_y[end + 1] - item->line_y[line] <= avail)
              end++;

            if (end == line && page->pieces->len == 0)
              end = line + 1;  /* a line taller than a page: shown, clipped */

            if (end > line)
              {
                place (page, item, y + space, line, end);
                y += space + item->line_y[end] - item->line_y[line];
                line = end;
              }

            if (line < item->n_lines)
              {
                page = new_page (self, item->bus);
                y = top;
                space = 0;
                if (block != NULL)
                  {
                    place (page, block, y, -1, -1);
                    y += layout_height (block->continued) + 6;
                  }
              }
          }
      }
    }

  if (self->pages->len == 0)
    new_page (self, self->buses->len > 0 ? g_ptr_array_index (self->buses, 0) : NULL);
}

/* Drawing */

static void
set_source_hex (cairo_t    *cr,
                const char *color)
{
  guint value = 0;

  if (color != NULL && color[0] == '#')
    value = (guint) g_ascii_strtoull (color + 1, NULL, 16);
  cairo_set_source_rgb (cr, ((value >> 16) & 0xff) / 255.0, ((value >> 8) & 0xff) / 255.0,
                        (value & 0xff) / 255.0);
}

static void
show_layout_at (cairo_t     *cr,
                PangoLayout *layout,
                double       x,
                double       y,
                const char  *color)
{
  set_source_hex (cr, color);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

static void
draw_number (AmapItinerary *self,
             cairo_t       *cr,
             double         cx,
             double         cy,
             double         radius,
             const char    *number,
             const char    *color)
{
  g_autoptr(PangoLayout) layout = NULL;
  g_autofree char *markup = g_markup_escape_text (number, -1);
  double size = radius * (strlen (number) >= 3 ? 0.75 : 1.0);
  PangoRectangle logical;

  cairo_new_path (cr);
  cairo_arc (cr, cx, cy, radius, 0, 2 * G_PI);
  set_source_hex (cr, color);
  cairo_fill (cr);

  layout = new_layout (self, markup, size, PANGO_WEIGHT_BOLD, -1);
  pango_layout_get_extents (layout, NULL, &logical);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_move_to (cr, cx - logical.width / 2.0 / PANGO_SCALE, cy - logical.height / 2.0 / PANGO_SCALE);
  pango_cairo_show_layout (cr, layout);
}

static void
draw_totals (cairo_t *cr,
             Item    *item,
             double   x,
             double   y,
             double   width)
{
  double cell = width / 4;

  set_source_hex (cr, TOTALS_FILL);
  cairo_rectangle (cr, x, y, width, item->height);
  cairo_fill (cr);

  for (guint i = 0; i < 4; i++)
    {
      double cx = x + i * cell + 10;

      if (i > 0)
        {
          set_source_hex (cr, RULE_COLOR);
          cairo_rectangle (cr, x + i * cell, y + 8, 0.75, item->height - 16);
          cairo_fill (cr);
        }
      show_layout_at (cr, item->totals[2 * i], cx, y + 8, DIM_COLOR);
      show_layout_at (cr, item->totals[2 * i + 1], cx, y + 19, TEXT_COLOR);
    }
}

static void
draw_piece (AmapItinerary *self,
            cairo_t       *cr,
            const Piece   *piece)
{
  Item *item = piece->item;
  double x = MARGIN_SIDE + item->x;
  double width = content_width (self);

  switch (item->kind)
    {
    case ITEM_MAP:
      cairo_save (cr);
      cairo_translate (cr, MARGIN_SIDE, piece->y);
      amap_map_render_draw (item->bus->map, cr, width, item->height);
      cairo_restore (cr);
      return;

    case ITEM_TOTALS:
      draw_totals (cr, item, MARGIN_SIDE, piece->y, width);
      return;

    case ITEM_RULE:
      set_source_hex (cr, RULE_COLOR);
      cairo_rectangle (cr, MARGIN_SIDE, piece->y, width, 0.75);
      cairo_fill (cr);
      return;

    case ITEM_PAGE_BREAK:
      return;

    case ITEM_TEXT:
    default:
      break;
    }

  if (piece->first_line < 0)
    {
      /* The "(continued)" line of a block going on from the last page. */
      show_layout_at (cr, item->continued, MARGIN_SIDE, piece->y, DIM_COLOR);
      return;
    }

  if (item->box_fill != NULL)
    {
      set_source_hex (cr, item->box_fill);
      cairo_rectangle (cr, MARGIN_SIDE, piece->y, width, item_height (item));
      cairo_fill (cr);
      if (item->color != NULL)
        {
          set_source_hex (cr, item->color);
          cairo_rectangle (cr, MARGIN_SIDE, piece->y, 3, item_height (item));
          cairo_fill (cr);
        }
      show_layout_at (cr, item->layout, x, piece->y + BOX_PADDING, TEXT_COLOR);
      return;
    }

  if (piece->first_line == 0)
    {
      double first_h = item->n_lines > 0 ? item->line_y[1] : 0;

      if (item->decoration == DECO_NUMBER)
        draw_number (self, cr, MARGIN_SIDE + NUMBER_RADIUS, piece->y + NUMBER_RADIUS,
                     NUMBER_RADIUS, item->number, item->color);
      else if (item->decoration == DECO_ROW_NUMBER)
        draw_number (self, cr, MARGIN_SIDE + ROW_NUMBER_RADIUS, piece->y + first_h / 2,
                     ROW_NUMBER_RADIUS, item->number, item->color);
      if (item->aside != NULL)
        show_layout_at (cr, item->aside, MARGIN_SIDE + item->aside_x, piece->y, TEXT_COLOR);
    }

  /* The lines of this piece only: the layout moved up, clipped. */
  cairo_save (cr);
  cairo_rectangle (cr, 0, piece->y, self->width,
                   item->line_y[piece->end_line] - item->line_y[piece->first_line]);
  cairo_clip (cr);
  show_layout_at (cr, item->layout, x, piece->y - item->line_y[piece->first_line], TEXT_COLOR);
  cairo_restore (cr);
}

static void
draw_footer (AmapItinerary *self,
             cairo_t       *cr,
             guint          index,
             Page          *page)
{
  g_autofree char *label = page->bus != NULL ? bus_label (self, page->bus) : NULL;
  g_autofree char *left = NULL;
  g_autofree char *right = NULL;
  g_autofree char *left_markup = NULL;
  g_autoptr(PangoLayout) left_layout = NULL;
  g_autoptr(PangoLayout) right_layout = NULL;
  double width = content_width (self);
  double y = self->height - FOOTER_OFFSET;
  guint number = 0, count = 0;
  int right_width;

  /* Each bus's pages are handed out on that bus: numbered on their own. */
  for (guint i = 0; i < self->pages->len; i++)
    {
      Page *other = g_ptr_array_index (self->pages, i);

      if (other->bus != page->bus)
        continue;
      count++;
      if (i <= index)
        number++;
    }

  left = label != NULL ? g_strdup_printf ("%s · %s", self->name, label) : g_strdup (self->name);
  /* Translators: the page number and the number of pages */
  right = g_strdup_printf (_("Page %u of %u"), number, count);

  right_layout = new_layout (self, right, 8, PANGO_WEIGHT_NORMAL, -1);
  pango_layout_get_size (right_layout, &right_width, NULL);
  left_markup = g_markup_escape_text (left, -1);
  left_layout = new_layout (self, left_markup, 8, PANGO_WEIGHT_NORMAL,
                            width - (double) right_width / PANGO_SCALE - 24);
  pango_layout_set_ellipsize (left_layout, PANGO_ELLIPSIZE_END);

  set_source_hex (cr, RULE_COLOR);
  cairo_rectangle (cr, MARGIN_SIDE, y - 6, width, 0.5);
  cairo_fill (cr);

  show_layout_at (cr, left_layout, MARGIN_SIDE, y, DIM_COLOR);
  show_layout_at (cr, right_layout, MARGIN_SIDE + width - (double) right_width / PANGO_SCALE, y,
                  DIM_COLOR);
}

/* Overrides */

static void
amap_itinerary_finalize (GObject *object)
{
  AmapItinerary *self = AMAP_ITINERARY (object);

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->date, g_free);
  g_clear_pointer (&self->buses, g_ptr_array_unref);
  g_clear_pointer (&self->warnings, g_ptr_array_unref);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->pages, g_ptr_array_unref);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (amap_itinerary_parent_class)->finalize (object);
}

static void
amap_itinerary_class_init (AmapItineraryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = amap_itinerary_finalize;
}

static void
amap_itinerary_init (AmapItinerary *self)
{
  self->buses = g_ptr_array_new_with_free_func (bus_free);
  self->warnings = g_ptr_array_new_with_free_func (g_free);
  self->items = g_ptr_array_new_with_free_func (item_free);
  self->pages = g_ptr_array_new_with_free_func (page_free);
}

/* Public API */

AmapItinerary *
amap_itinerary_new (AmapTourPlan *plan)
{
  AmapItinerary *self;
  AmapTour *tour;
  GDateTime *departure;
  const char * const *warnings;

  g_return_val_if_fail (AMAP_IS_TOUR_PLAN (plan), NULL);

  self = g_object_new (AMAP_TYPE_ITINERARY, NULL);
  tour = amap_tour_plan_get_tour (plan);
  self->name = dup_text (amap_tour_get_name (tour));
  if (self->name == NULL)
    self->name = g_strdup (_("Bus Tour"));

  for (guint b = 0; b < amap_tour_plan_get_n_buses (plan); b++)
    g_ptr_array_add (self->buses, bus_new_from_plan (plan, b));

  departure = self->buses->len > 0 ? ((Bus *) g_ptr_array_index (self->buses, 0))->departure : NULL;
  if (departure != NULL)
    self->date = format_date (departure);

  warnings = amap_tour_plan_get_warnings (plan);
  for (guint i = 0; warnings != NULL && warnings[i] != NULL; i++)
    g_ptr_array_add (self->warnings, g_strdup (warnings[i]));

  return self;
}

void
amap_itinerary_set_tiles (AmapItinerary *self,
                          const char    *tile_dir,
                          const char    *attribution)
{
  g_return_if_fail (AMAP_IS_ITINERARY (self));

  for (guint b = 0; b < self->buses->len; b++)
    {
      Bus *bus = g_ptr_array_index (self->buses, b);

      amap_map_render_set_tile_dir (bus->map, tile_dir);
      amap_map_render_set_attribution (bus->map, attribution);
    }
}

void
amap_itinerary_get_default_page_size (double *width,
                                      double *height)
{
  double width_mm = 210, height_mm = 297;

#ifdef __GLIBC__
  {
    /* glibc answers these two with a 32-bit number in the pointer (as GTK
     * reads them); the rest of the pointer is not set. */
    union { char *string; unsigned int word; } w, h;

    w.string = nl_langinfo (_NL_PAPER_WIDTH);
    h.string = nl_langinfo (_NL_PAPER_HEIGHT);

    if (w.word > 50 && w.word < 2000 && h.word > 50 && h.word < 2000)
      {
        width_mm = w.word;
        height_mm = h.word;
      }
  }
#endif

  /* US Letter is 215.9 × 279.4 mm; glibc rounds it. */
  if (fabs (width_mm - 216) <= 1 && fabs (height_mm - 279) <= 1)
    {
      *width = 612;
      *height = 792;
      return;
    }

  *width = width_mm * 72 / 25.4;
  *height = height_mm * 72 / 25.4;
}

guint
amap_itinerary_paginate (AmapItinerary *self,
                         double         width,
                         double         height)
{
  cairo_font_options_t *options;

  g_return_val_if_fail (AMAP_IS_ITINERARY (self), 0);
  g_return_val_if_fail (width > 0 && height > 0, 0);

  self->width = MAX (width, 2 * MARGIN_SIDE + 200);
  self->height = MAX (height, MARGIN_TOP + MARGIN_BOTTOM + 200);

  g_ptr_array_set_size (self->pages, 0);
  g_ptr_array_set_size (self->items, 0);

  if (self->context == NULL)
    {
      PangoFontMap *font_map = pango_cairo_font_map_get_default ();

      self->context = pango_font_map_create_context (font_map);
      pango_cairo_context_set_resolution (self->context, 72);
      options = cairo_font_options_create ();
      cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
      cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
      pango_cairo_context_set_font_options (self->context, options);
      cairo_font_options_destroy (options);
    }

  build_flow (self);
  paginate (self);

  return self->pages->len;
}

guint
amap_itinerary_get_n_pages (AmapItinerary *self)
{
  g_return_val_if_fail (AMAP_IS_ITINERARY (self), 0);

  return self->pages->len;
}

void
amap_itinerary_draw_page (AmapItinerary *self,
                          cairo_t       *cr,
                          guint          page)
{
  Page *p;

  g_return_if_fail (AMAP_IS_ITINERARY (self));
  g_return_if_fail (cr != NULL);
  g_return_if_fail (page < self->pages->len);

  p = g_ptr_array_index (self->pages, page);

  cairo_save (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, 0, 0, self->width, self->height);
  cairo_fill (cr);

  for (guint i = 0; i < p->pieces->len; i++)
    draw_piece (self, cr, &g_array_index (p->pieces, Piece, i));

  draw_footer (self, cr, page, p);
  cairo_restore (cr);
}

typedef struct
{
  GOutputStream *stream;
  GCancellable  *cancellable;
  GError        *error;
} PdfOutput;

static cairo_status_t
write_pdf_cb (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  PdfOutput *out = closure;

  if (out->error != NULL)
    return CAIRO_STATUS_WRITE_ERROR;
  if (!g_output_stream_write_all (out->stream, data, length, NULL, out->cancellable, &out->error))
    return CAIRO_STATUS_WRITE_ERROR;
  return CAIRO_STATUS_SUCCESS;
}

gboolean
amap_itinerary_write_pdf (AmapItinerary *self,
                          GOutputStream *stream,
                          double         width,
                          double         height,
                          GCancellable  *cancellable,
                          GError       **error)
{
  PdfOutput out = { stream, cancellable, NULL };
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;
  guint n_pages;

  g_return_val_if_fail (AMAP_IS_ITINERARY (self), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (width <= 0 || height <= 0)
    amap_itinerary_get_default_page_size (&width, &height);

  n_pages = amap_itinerary_paginate (self, width, height);
  surface = cairo_pdf_surface_create_for_stream (write_pdf_cb, &out, width, height);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, self->name);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Asset Map " PACKAGE_VERSION);
  cr = cairo_create (surface);
  for (guint i = 0; i < n_pages && out.error == NULL; i++)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, &out.error))
        break;
      amap_itinerary_draw_page (self, cr, i);
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (out.error != NULL)
    {
      g_propagate_error (error, out.error);
      return FALSE;
    }
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, AMAP_ERROR, AMAP_ERROR_FAILED,
                   _("The itinerary could not be drawn: %s"), cairo_status_to_string (status));
      return FALSE;
    }

  return TRUE;
}

/* amap-chip-box.c: children laid out in lines, each at its natural width
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-chip-box"

#include "config.h"

#include "amap-chip-box.h"

struct _AmapChipBox
{
  GtkWidget parent_instance;

  int       spacing;
  int       line_spacing;
};

enum {
  PROP_0,
  PROP_SPACING,
  PROP_LINE_SPACING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void amap_chip_box_buildable_init (GtkBuildableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AmapChipBox, amap_chip_box, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_BUILDABLE, amap_chip_box_buildable_init))

static GtkBuildableIface *parent_buildable_iface;

/* <child> in a .ui file appends. */
static void
amap_chip_box_buildable_add_child (GtkBuildable *buildable,
                                   GtkBuilder   *builder,
                                   GObject      *child,
                                   const char   *type)
{
  if (GTK_IS_WIDGET (child))
    amap_chip_box_append (AMAP_CHIP_BOX (buildable), GTK_WIDGET (child));
  else
    parent_buildable_iface->add_child (buildable, builder, child, type);
}

static void
amap_chip_box_buildable_init (GtkBuildableIface *iface)
{
  parent_buildable_iface = g_type_interface_peek_parent (iface);
  iface->add_child = amap_chip_box_buildable_add_child;
}

/* A child's width on a line of @width: its natural width, or the whole
 * line when it is wider (it then shrinks towards its minimum). */
static int
child_width (GtkWidget *child,
             int        width)
{
  int minimum, natural;

  gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, &natural, NULL, NULL);
  return MAX (minimum, MIN (natural, width));
}

static int
child_height (GtkWidget *child,
              int        width)
{
  int natural;

  gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, width, NULL, &natural, NULL, NULL);
  return natural;
}

/* Lays the children out in lines of @width; allocates them when
 * @allocate. Returns the height it takes. */
static int
layout (AmapChipBox *self,
        int          width,
        gboolean     allocate)
{
  int x = 0, y = 0, line_height = 0;
  GtkWidget *line_start = gtk_widget_get_first_child (GTK_WIDGET (self));

  for (GtkWidget *child = line_start; child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      int w, h;

      if (!gtk_widget_should_layout (child))
        continue;

      w = child_width (child, width);
      if (x > 0 && x + w > width)
        {
          y += line_height + self->line_spacing;
          x = 0;
          line_height = 0;
        }
      h = child_height (child, w);
      if (allocate)
        gtk_widget_size_allocate (child,
                                  &(GtkAllocation) { gtk_widget_get_direction (GTK_WIDGET (self)) == GTK_TEXT_DIR_RTL
                                                       ? width - x - w : x,
                                                     y, w, h },
                                  -1);
      x += w + self->spacing;
      line_height = MAX (line_height, h);
    }

  return y + line_height;
}

static GtkSizeRequestMode
amap_chip_box_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
amap_chip_box_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  AmapChipBox *self = AMAP_CHIP_BOX (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      int min = 0, nat = 0;

      /* The widest child: the box takes the width it is given and wraps
       * in it, rather than asking for room for one long line. */
      for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
           child = gtk_widget_get_next_sibling (child))
        {
          int child_min, child_nat;

          if (!gtk_widget_should_layout (child))
            continue;
          gtk_widget_measure (child, orientation, -1, &child_min, &child_nat, NULL, NULL);
          min = MAX (min, child_min);
          nat = MAX (nat, child_nat);
        }
      *minimum = min;
      *natural = nat;
    }
  else
    {
      int width = for_size;

      if (width < 0)
        gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &width, NULL, NULL, NULL);
      *minimum = *natural = layout (self, width, FALSE);
    }

  *minimum_baseline = *natural_baseline = -1;
}

static void
amap_chip_box_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  layout (AMAP_CHIP_BOX (widget), width, TRUE);
}

static void
amap_chip_box_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  AmapChipBox *self = AMAP_CHIP_BOX (object);

  switch (prop_id)
    {
    case PROP_SPACING:
      g_value_set_int (value, self->spacing);
      break;
    case PROP_LINE_SPACING:
      g_value_set_int (value, self->line_spacing);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
amap_chip_box_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  AmapChipBox *self = AMAP_CHIP_BOX (object);
  int *field;

  switch (prop_id)
    {
    case PROP_SPACING:
      field = &self->spacing;
      break;
    case PROP_LINE_SPACING:
      field = &self->line_spacing;
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }

  if (*field == g_value_get_int (value))
    return;
  *field = g_value_get_int (value);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (object, pspec);
}

static void
amap_chip_box_dispose (GObject *object)
{
  amap_chip_box_remove_all (AMAP_CHIP_BOX (object));

  G_OBJECT_CLASS (amap_chip_box_parent_class)->dispose (object);
}

static void
amap_chip_box_class_init (AmapChipBoxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = amap_chip_box_get_property;
  object_class->set_property = amap_chip_box_set_property;
  object_class->dispose = amap_chip_box_dispose;

  widget_class->get_request_mode = amap_chip_box_get_request_mode;
  widget_class->measure = amap_chip_box_measure;
  widget_class->size_allocate = amap_chip_box_size_allocate;

  properties[PROP_SPACING] =
    g_param_spec_int ("spacing", NULL, NULL, 0, G_MAXINT, 4,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LINE_SPACING] =
    g_param_spec_int ("line-spacing", NULL, NULL, 0, G_MAXINT, 4,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "chipbox");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
amap_chip_box_init (AmapChipBox *self)
{
  self->spacing = 4;
  self->line_spacing = 4;
}

GtkWidget *
amap_chip_box_new (void)
{
  return g_object_new (AMAP_TYPE_CHIP_BOX, NULL);
}

void
amap_chip_box_append (AmapChipBox *self,
                      GtkWidget   *child)
{
  g_return_if_fail (AMAP_IS_CHIP_BOX (self));
  g_return_if_fail (GTK_IS_WIDGET (child));

  gtk_widget_set_parent (child, GTK_WIDGET (self));
}

void
amap_chip_box_remove_all (AmapChipBox *self)
{
  GtkWidget *child;

  g_return_if_fail (AMAP_IS_CHIP_BOX (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
}

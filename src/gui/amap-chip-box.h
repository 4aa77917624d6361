/* amap-chip-box.h: children laid out in lines, each at its natural width
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define AMAP_TYPE_CHIP_BOX (amap_chip_box_get_type ())
G_DECLARE_FINAL_TYPE (AmapChipBox, amap_chip_box, AMAP, CHIP_BOX, GtkWidget)

/*
 * Like words in a paragraph: as many children on a line as fit at their
 * natural widths, then the next line (GtkFlowBox lines its children up in
 * columns, which cuts long ones off). Properties: "spacing" (between
 * children on a line) and "line-spacing" (between lines), in pixels.
 */
GtkWidget *amap_chip_box_new       (void);
void       amap_chip_box_append    (AmapChipBox *self,
                                    GtkWidget   *child);
void       amap_chip_box_remove_all (AmapChipBox *self);

G_END_DECLS

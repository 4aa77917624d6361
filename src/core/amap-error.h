/* amap-error.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define AMAP_ERROR (amap_error_quark ())

/**
 * AmapError:
 * @AMAP_ERROR_INVALID: a value the user gave is not acceptable (empty name,
 *   coordinates out of range, malformed date...). The message says which.
 * @AMAP_ERROR_UNKNOWN_CATEGORY: the category key is not one of the map's.
 * @AMAP_ERROR_NOT_FOUND: no asset (or contact, tour...) with that id.
 * @AMAP_ERROR_NOT_A_MAP: the file is not an Asset Map database. It was not
 *   written to.
 * @AMAP_ERROR_TOO_NEW: the map was written by a newer Asset Map.
 * @AMAP_ERROR_READ_ONLY: the map is open read-only; nothing was changed.
 * @AMAP_ERROR_NO_SPACE: the disk is full; the write was rolled back.
 * @AMAP_ERROR_IO: reading or writing a file failed; the message says why.
 * @AMAP_ERROR_PARSE: a file (KML...) is not well-formed; the message names
 *   file:line:column.
 * @AMAP_ERROR_UNSAFE: a file was refused for safety (DOCTYPE, zip bomb,
 *   path traversal, size caps).
 * @AMAP_ERROR_UNSUPPORTED: the file is of a kind we cannot read.
 * @AMAP_ERROR_FAILED: anything else; the message says what happened.
 * @AMAP_ERROR_DAMAGED: the map file is ours but damaged; nothing was
 *   written to it. The message says what can be done (open a backup, or
 *   save what can still be read into a new map: amap_store_salvage()).
 * @AMAP_ERROR_BUSY: another program holds the map; waiting did not help.
 *   Trying again later may.
 */
typedef enum
{
  AMAP_ERROR_INVALID,
  AMAP_ERROR_UNKNOWN_CATEGORY,
  AMAP_ERROR_NOT_FOUND,
  AMAP_ERROR_NOT_A_MAP,
  AMAP_ERROR_TOO_NEW,
  AMAP_ERROR_READ_ONLY,
  AMAP_ERROR_NO_SPACE,
  AMAP_ERROR_IO,
  AMAP_ERROR_PARSE,
  AMAP_ERROR_UNSAFE,
  AMAP_ERROR_UNSUPPORTED,
  AMAP_ERROR_FAILED,
  AMAP_ERROR_DAMAGED,
  AMAP_ERROR_BUSY,
} AmapError;

GQuark amap_error_quark (void);

G_END_DECLS

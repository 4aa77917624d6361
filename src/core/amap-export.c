/* amap-export.c: the map (or some of it) to a .kml or .kmz file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "amap-export"
#define _GNU_SOURCE /* sync_file_range() */

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "amap-error.h"
#include "amap-export.h"
#include "amap-kml-writer.h"
#include "amap-kmz-writer.h"
#include "amap-store-export.h"

/* What an export needs, read from the store up front so that a worker
 * thread never touches it. An export of the whole map streams the assets
 * from @store instead (@assets is NULL), one at a time: the caller's
 * store for a synchronous export, a snapshot of it on a connection of its
 * own (amap_store_open_snapshot()) for one on a worker thread. */
typedef struct
{
  char       *title;
  GListModel *categories;
  GPtrArray  *assets;
  AmapStore  *store;
  GFile      *file;
  AmapExportFlags flags;
} ExportData;

static void
export_data_free (ExportData *data)
{
  g_clear_pointer (&data->title, g_free);
  g_clear_object (&data->categories);
  g_clear_pointer (&data->assets, g_ptr_array_unref);
  g_clear_object (&data->store);
  g_clear_object (&data->file);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ExportData, export_data_free)

static gboolean
is_kmz (GFile *file)
{
  g_autofree char *basename = g_file_get_basename (file);
  g_autofree char *lower = g_ascii_strdown (basename != NULL ? basename : "", -1);

  return g_str_has_suffix (lower, ".kmz");
}

/*
 * The temporary file.
 *
 * An export writes ".NAME.assetmap-export-PID-XXXXXX" beside the target
 * (so that the final rename stays on one file system, and so that anyone
 * looking at the folder can tell what it is), holds an exclusive flock()
 * on it from the moment it exists, and renames it over the target before
 * letting go of the lock. The file is created with no more permissions
 * than the target has, and given the target's group and exactly its mode
 * (or the default mode, from the umask, for a new target) before a byte is
 * written: contacts are personal data.
 *
 * An export that was killed leaves its file behind. The next export into
 * that folder removes such files, but only when all of this holds: the
 * name is ours, the file belongs to the user exporting, it is not this
 * process's, nobody holds its lock (a live export always does, also on
 * another computer sharing the folder, as far as the file system passes
 * locks on), and the process named in it is not running here or the file
 * has not been touched for an hour (a process id can be reused).
 */

#define TEMP_INFIX ".assetmap-export-"
#define TEMP_RANDOM_LEN 6
#define TEMP_MAX_BASE 200          /* bytes of the target's name kept in it */
#define STALE_AGE_SECONDS (60 * 60)

typedef struct
{
  char *path;
  int fd;                          /* -1 when closed */
} TempFile;

static void
temp_file_clear (TempFile *tmp)
{
  if (tmp->fd >= 0)
    {
      /* Not yet renamed: nothing of it may stay behind. */
      if (tmp->path != NULL)
        g_unlink (tmp->path);
      close (tmp->fd);
      tmp->fd = -1;
    }
  g_clear_pointer (&tmp->path, g_free);
}

/* Parses ".NAME.assetmap-export-PID-XXXXXX"; FALSE when it is not ours. */
static gboolean
parse_temp_name (const char *name,
                 pid_t      *pid)
{
  const char *infix, *p, *end;
  gint64 value;

  if (name[0] != '.')
    return FALSE;
  infix = g_strrstr (name, TEMP_INFIX);
  if (infix == NULL || infix == name)
    return FALSE;

  p = infix + strlen (TEMP_INFIX);
  end = strchr (p, '-');
  if (end == NULL || end == p || end - p > 10)
    return FALSE;
  for (const char *q = p; q < end; q++)
    if (!g_ascii_isdigit (*q))
      return FALSE;
  value = g_ascii_strtoll (p, NULL, 10);
  if (value <= 0 || value > G_MAXINT)
    return FALSE;

  if (strlen (end + 1) != TEMP_RANDOM_LEN)
    return FALSE;
  for (const char *q = end + 1; *q != '\0'; q++)
    if (!g_ascii_isalnum (*q))
      return FALSE;

  *pid = (pid_t) value;
  return TRUE;
}

static gboolean
process_is_running (pid_t pid)
{
  return kill (pid, 0) == 0 || errno != ESRCH;
}

/* Removes the stale temporary files of killed exports in @dir_path. */
static void
remove_stale_temporaries (const char *dir_path)
{
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      struct stat st;
      pid_t pid;
      int fd;

      if (!parse_temp_name (name, &pid) || pid == getpid ())
        continue;

      path = g_build_filename (dir_path, name, NULL);
      fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
      if (fd < 0)
        continue;

      if (fstat (fd, &st) == 0 && S_ISREG (st.st_mode) && st.st_uid == geteuid () &&
          flock (fd, LOCK_EX | LOCK_NB) == 0 &&
          (!process_is_running (pid) || time (NULL) - st.st_mtime > STALE_AGE_SECONDS))
        {
          struct stat again;

          /* Still the file we locked, not a new one of that name. */
          if (lstat (path, &again) == 0 && again.st_ino == st.st_ino && again.st_dev == st.st_dev)
            {
              g_debug ("Removing %s, left by an export that did not finish", path);
              g_unlink (path);
            }
        }
      close (fd);
    }
}

/* A GError from errno, as GIO makes them. */
static void
set_error_from_errno (GError     **error,
                      int          errsv,
                      const char  *path)
{
  g_autofree char *display = g_filename_display_name (path);

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
               "%s: %s", display, g_strerror (errsv));
}

/* Creates and locks the temporary file for @target_path. */
static gboolean
create_temporary (const char  *target_path,
                  TempFile    *tmp,
                  GError     **error)
{
  static const char chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  g_autofree char *dir = g_path_get_dirname (target_path);
  g_autofree char *base = g_path_get_basename (target_path);
  struct stat st;
  gboolean have_target, other_group;
  mode_t mode;

  remove_stale_temporaries (dir);

  /* The target's mode and group, or the default mode for a new file. */
  have_target = stat (target_path, &st) == 0 && S_ISREG (st.st_mode);
  mode = have_target ? (st.st_mode & 0777) : 0666;
  other_group = have_target && st.st_gid != getegid ();

  /* A long name still leaves room for ours around it. */
  if (strlen (base) > TEMP_MAX_BASE)
    base[TEMP_MAX_BASE] = '\0';

  for (guint attempt = 0; attempt < 100; attempt++)
    {
      char suffix[TEMP_RANDOM_LEN + 1];
      g_autofree char *name = NULL;
      g_autofree char *path = NULL;
      int fd;

      for (guint i = 0; i < TEMP_RANDOM_LEN; i++)
        suffix[i] = chars[g_random_int_range (0, sizeof chars - 1)];
      suffix[TEMP_RANDOM_LEN] = '\0';

      name = g_strdup_printf (".%s" TEMP_INFIX "%d-%s", base, (int) getpid (), suffix);
      path = g_build_filename (dir, name, NULL);

      /* The umask may take bits away from @mode, never add any; the
       * group's bits wait until the file has the target's group. */
      fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                 other_group ? (mode & ~(mode_t) 0070) : mode);
      if (fd < 0 && errno == EEXIST)
        continue;
      if (fd < 0)
        {
          set_error_from_errno (error, errno, dir);
          return FALSE;
        }

      tmp->path = g_steal_pointer (&path);
      tmp->fd = fd;

      /* Locked before anyone could think it stale; nothing written yet. */
      if (flock (fd, LOCK_EX | LOCK_NB) != 0)
        g_debug ("Could not lock %s: %s", tmp->path, g_strerror (errno));

      if (have_target)
        {
          /* The same readers as the file it replaces: its group first (a
           * group we are not in cannot be given, and then our own group
           * gets no access: it is not the one the target let read), then
           * its mode. */
          if (other_group && fchown (fd, (uid_t) -1, st.st_gid) != 0)
            {
              g_debug ("Could not give %s the group of %s", tmp->path, target_path);
              mode &= ~(mode_t) 0070;
            }
          if (fchmod (fd, mode) != 0)
            g_debug ("Could not give %s the mode of %s", tmp->path, target_path);
        }
      return TRUE;
    }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
               _("Could not find a free temporary file name"));
  return FALSE;
}

/* Puts the finished temporary file in place of the target, still locked,
 * then closes it. */
static gboolean
commit_temporary (TempFile     *tmp,
                  const char   *target_path,
                  GError      **error)
{
  /* On disk before it replaces the old file: after a power cut, the old
   * file or the whole new one, never an empty one. */
  if (fdatasync (tmp->fd) != 0 && errno != EINVAL && errno != EROFS)
    {
      set_error_from_errno (error, errno, target_path);
      return FALSE;
    }
  if (g_rename (tmp->path, target_path) != 0)
    {
      set_error_from_errno (error, errno, target_path);
      return FALSE;
    }

  close (tmp->fd);
  tmp->fd = -1;
  return TRUE;
}

/*
 * The streamed export runs on two threads: this one reads the store (a
 * store stays on the thread that uses it), a second one writes the KML.
 * Each asset's record is copied into a chunk (its strings into the
 * chunk's arena); full chunks go to the writer, written ones come back,
 * N_CHUNKS in all, so the reader is never far ahead and the memory stays
 * the same whatever the size of the map.
 */

#define CHUNK_ARENA (256 * 1024)
#define CHUNK_RECORDS 256
#define N_CHUNKS 8
/* Assets between two starts of the file's write-back, see write_chunk(). */
#define WRITE_BACK_EVERY 4096

typedef struct
{
  GArray    *records;     /* AmapAssetRecord, pointing into @arena */
  char      *arena;
  gsize      arena_size;
  gsize      arena_used;
  GPtrArray *assets;      /* the records' AmapAssets */
  gboolean   last;        /* no more chunks after this one */
} Chunk;

typedef struct
{
  AmapKmlWriter *writer;
  GOutputStream *stream;
  GCancellable  *cancellable;
  int            fd;        /* the file being written, or -1 */
  guint          n_assets;

  GThread       *thread;    /* NULL until the document has begun */
  GAsyncQueue   *full;      /* Chunk, to write */
  GAsyncQueue   *empty;     /* Chunk, written */
  Chunk         *current;   /* being filled */
  int            failed;    /* atomic: the writer thread has stopped */
  GError        *error;     /* and why, readable after the join */
} Pipeline;

static Chunk *
chunk_new (void)
{
  Chunk *chunk = g_new0 (Chunk, 1);

  chunk->records = g_array_sized_new (FALSE, FALSE, sizeof (AmapAssetRecord), CHUNK_RECORDS);
  chunk->arena_size = CHUNK_ARENA;
  chunk->arena = g_malloc (chunk->arena_size);
  chunk->assets = g_ptr_array_new_with_free_func (g_object_unref);
  return chunk;
}

static void
chunk_reset (Chunk *chunk)
{
  g_array_set_size (chunk->records, 0);
  g_ptr_array_set_size (chunk->assets, 0);
  chunk->arena_used = 0;
  chunk->last = FALSE;
}

static void
chunk_free (Chunk *chunk)
{
  g_array_unref (chunk->records);
  g_ptr_array_unref (chunk->assets);
  g_free (chunk->arena);
  g_free (chunk);
}

static gsize
string_size (const char *text)
{
  return text != NULL ? strlen (text) + 1 : 0;
}

/* Copies @text into @chunk's arena (which has room). */
static const char *
chunk_copy (Chunk      *chunk,
            const char *text,
            gsize       size)
{
  char *copy;

  if (text == NULL)
    return NULL;
  copy = chunk->arena + chunk->arena_used;
  memcpy (copy, text, size);
  chunk->arena_used += size;
  return copy;
}

/* The record's string fields, in the order of record_fields(). */
#define N_RECORD_STRINGS 13

/* The addresses of @r's string fields. */
static void
record_fields (AmapAssetRecord  *r,
               const char      **fields[N_RECORD_STRINGS])
{
  const char **all[] = {
    &r->uuid, &r->source_id, &r->name, &r->category, &r->shape, &r->address, &r->description,
    &r->strengths, &r->needs, &r->website, &r->phone, &r->email, &r->last_contacted,
  };

  G_STATIC_ASSERT (G_N_ELEMENTS (all) == N_RECORD_STRINGS);
  memcpy (fields, all, sizeof all);
}

/* The bytes @record's strings take in an arena, those of its string
 * fields (record_fields()) into @sizes, so that each is measured once. */
static gsize
record_size (const AmapAssetRecord *r,
             const char           **fields[N_RECORD_STRINGS],
             gsize                  sizes[N_RECORD_STRINGS])
{
  const char * const *lists[] = { r->folders, r->tags };
  gsize size = r->extras_len;

  for (guint i = 0; i < N_RECORD_STRINGS; i++)
    size += sizes[i] = string_size (*fields[i]);
  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      /* Aligned, NULL-terminated. */
      size += 2 * sizeof (char *);
      for (guint j = 0; lists[i] != NULL && lists[i][j] != NULL; j++)
        size += sizeof (char *) + string_size (lists[i][j]);
    }
  return size;
}

/* Copies the string array @strv into @chunk's arena (which has room). */
static const char * const *
chunk_copy_strv (Chunk              *chunk,
                 const char * const *strv)
{
  guint n;
  const char **copy;

  if (strv == NULL)
    return NULL;

  n = g_strv_length ((char **) strv);
  chunk->arena_used = (chunk->arena_used + sizeof (void *) - 1) & ~(sizeof (void *) - 1);
  copy = (const char **) (gpointer) (chunk->arena + chunk->arena_used);
  chunk->arena_used += (n + 1) * sizeof (char *);
  for (guint i = 0; i < n; i++)
    copy[i] = chunk_copy (chunk, strv[i], string_size (strv[i]));
  copy[n] = NULL;
  return copy;
}

/* Appends a copy of @r to @chunk; FALSE when its arena has no room. */
static gboolean
chunk_add (Chunk                 *chunk,
           const AmapAssetRecord *r)
{
  AmapAssetRecord copy = *r;
  const char **fields[N_RECORD_STRINGS];
  gsize sizes[N_RECORD_STRINGS];
  gsize size;

  if (r->asset != NULL)
    {
      g_ptr_array_add (chunk->assets, g_object_ref (r->asset));
      g_array_append_val (chunk->records, copy);
      return TRUE;
    }

  /* The fields of the copy, which still point into @r. */
  record_fields (&copy, fields);
  size = record_size (&copy, fields, sizes);
  if (chunk->arena_used + size > chunk->arena_size)
    {
      if (chunk->records->len > 0)
        return FALSE;
      /* A record larger than an arena: this chunk's grows for it. */
      chunk->arena = g_realloc (chunk->arena, size);
      chunk->arena_size = size;
    }

  for (guint i = 0; i < N_RECORD_STRINGS; i++)
    *fields[i] = chunk_copy (chunk, *fields[i], sizes[i]);
  copy.extras = r->extras_len > 0 ? chunk_copy (chunk, r->extras, r->extras_len) : NULL;

  copy.folders = chunk_copy_strv (chunk, r->folders);
  copy.tags = chunk_copy_strv (chunk, r->tags);
  /* Objects are not copied: a record with children comes as an asset. */
  g_assert (r->contacts == NULL && r->interactions == NULL);

  g_array_append_val (chunk->records, copy);
  return TRUE;
}

/* The writer thread: writes each chunk's records until the last chunk;
 * after a failure it only hands the chunks back. */
static gpointer
pipeline_thread (gpointer user_data)
{
  Pipeline *pipe = user_data;

  for (;;)
    {
      Chunk *chunk = g_async_queue_pop (pipe->full);
      gboolean last = chunk->last;

      for (guint i = 0; i < chunk->records->len && !g_atomic_int_get (&pipe->failed); i++)
        {
          const AmapAssetRecord *record = &g_array_index (chunk->records, AmapAssetRecord, i);

#ifdef SYNC_FILE_RANGE_WRITE
          /* The file must be on the disk before it replaces the target
           * (commit_temporary()): start writing back what the kernel
           * holds of it now and then, so that the disk works while we do
           * and the final fdatasync() has little left to wait for. It
           * does not wait itself. */
          if (pipe->fd >= 0 && ++pipe->n_assets % WRITE_BACK_EVERY == 0)
            sync_file_range (pipe->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#endif

          if (!amap_kml_writer_add_record (pipe->writer, record, &pipe->error))
            g_atomic_int_set (&pipe->failed, TRUE);
        }

      chunk_reset (chunk);
      g_async_queue_push (pipe->empty, chunk);
      if (last)
        break;
    }

  return NULL;
}

static gboolean
on_categories (const char * const *keys,
               gpointer            user_data,
               GError            **error)
{
  Pipeline *pipe = user_data;

  if (!amap_kml_writer_begin (pipe->writer, keys, pipe->stream, pipe->cancellable, error))
    return FALSE;

  for (guint i = 0; i < N_CHUNKS - 1; i++)
    g_async_queue_push (pipe->empty, chunk_new ());
  pipe->current = chunk_new ();
  pipe->thread = g_thread_new ("amap-export", pipeline_thread, pipe);
  return TRUE;
}

/* Sends the current chunk to the writer and takes an empty one. */
static void
send_chunk (Pipeline *pipe)
{
  g_async_queue_push (pipe->full, g_steal_pointer (&pipe->current));
  pipe->current = g_async_queue_pop (pipe->empty);
}

static gboolean
on_record (const AmapAssetRecord  *record,
           gpointer                user_data,
           GError                **error)
{
  Pipeline *pipe = user_data;

  if (g_atomic_int_get (&pipe->failed))
    {
      /* Replaced by the writer's own error after the join. */
      g_set_error_literal (error, AMAP_ERROR, AMAP_ERROR_FAILED, "The writer stopped");
      return FALSE;
    }

  if (!chunk_add (pipe->current, record))
    {
      send_chunk (pipe);
      chunk_add (pipe->current, record);
    }
  if (pipe->current->records->len >= CHUNK_RECORDS)
    send_chunk (pipe);

  return TRUE;
}

/* Ends the writer thread (it writes what it has) and frees the chunks. */
static void
pipeline_join (Pipeline *pipe)
{
  if (pipe->thread == NULL)
    return;

  pipe->current->last = TRUE;
  g_async_queue_push (pipe->full, g_steal_pointer (&pipe->current));
  g_thread_join (g_steal_pointer (&pipe->thread));

  for (guint i = 0; i < N_CHUNKS; i++)
    chunk_free (g_async_queue_pop (pipe->empty));
}

/* The streamed document: the store's assets through the pipeline. */
static gboolean
write_streamed (ExportData    *data,
                AmapKmlWriter *writer,
                GOutputStream *stream,
                int            fd,
                GCancellable  *cancellable,
                GError       **error)
{
  Pipeline pipe = { writer, stream, cancellable, fd, 0, };
  GError *local_error = NULL;
  gboolean ok;

  pipe.full = g_async_queue_new ();
  pipe.empty = g_async_queue_new ();

  ok = amap_store_foreach_asset_record (data->store, on_categories, on_record, &pipe,
                                        cancellable, &local_error);
  pipeline_join (&pipe);
  g_async_queue_unref (pipe.full);
  g_async_queue_unref (pipe.empty);

  if (pipe.error != NULL)
    {
      g_clear_error (&local_error);
      g_propagate_error (error, pipe.error);
      return FALSE;
    }
  if (!ok)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }

  /* On failure a writer left begun is cleaned up when it is finalized;
   * the temporary file is removed either way. */
  return amap_kml_writer_end (writer, error);
}

/* The KML document, from @data->assets or streamed from @data->store. */
static gboolean
write_document (ExportData    *data,
                AmapKmlWriter *writer,
                GOutputStream *stream,
                int            fd,
                GCancellable  *cancellable,
                GError       **error)
{
  if (data->assets != NULL)
    return amap_kml_writer_write (writer, data->assets, stream, cancellable, error);

  return write_streamed (data, writer, stream, fd, cancellable, error);
}

/* An unnamed file in @dir for the KMZ's document, so that it fills the
 * disk the export goes to (and a full disk is that disk's), not the
 * temporary folder. Where the file system cannot make a file without a
 * name, one of our temporary names, removed at once. */
static int
open_spool (const char  *dir,
            GError     **error)
{
  int fd;

#ifdef O_TMPFILE
  fd = open (dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0)
    return fd;
#endif

  for (guint attempt = 0; attempt < 100; attempt++)
    {
      g_autofree char *name = g_strdup_printf (".spool" TEMP_INFIX "%d-%06u", (int) getpid (),
                                               g_random_int_range (0, 1000000));
      g_autofree char *path = g_build_filename (dir, name, NULL);

      fd = open (path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
      if (fd >= 0)
        {
          g_unlink (path);
          return fd;
        }
      if (errno != EEXIST)
        {
          set_error_from_errno (error, errno, path);
          return -1;
        }
    }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
               _("Could not find a free temporary file name"));
  return -1;
}

/* The document for a KMZ goes to a spool file first: the zip entry needs
 * its size up front, and memory should not grow with the map. */
static gboolean
write_kmz (ExportData    *data,
           AmapKmlWriter *writer,
           GOutputStream *stream,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(GFile) parent = g_file_get_parent (data->file);
  g_autofree char *dir = parent != NULL ? g_file_get_path (parent) : NULL;
  g_autoptr(GOutputStream) spool_out = NULL;
  g_autoptr(GInputStream) spool_in = NULL;
  off_t size;
  int fd;
  gboolean ok;

  fd = open_spool (dir != NULL ? dir : g_get_tmp_dir (), error);
  if (fd < 0)
    return FALSE;

  /* The input stream owns the descriptor. */
  spool_in = g_unix_input_stream_new (fd, TRUE);
  /* Unbuffered, as in write_and_close(). */
  spool_out = g_unix_output_stream_new (fd, FALSE);

  amap_kml_writer_set_icons (writer, AMAP_KML_ICONS_PACKAGED);
  ok = write_document (data, writer, spool_out, -1, cancellable, error)
       && g_output_stream_close (spool_out, cancellable, error);
  if (!ok)
    return FALSE;

  size = lseek (fd, 0, SEEK_CUR);
  if (size < 0 || lseek (fd, 0, SEEK_SET) != 0)
    {
      set_error_from_errno (error, errno, dir != NULL ? dir : g_get_tmp_dir ());
      return FALSE;
    }

  return amap_kmz_writer_write (stream, spool_in, size,
                                amap_kml_writer_get_used_categories (writer),
                                cancellable, error);
}

/* TRUE when @error is GIO's for @errsv (a write to a descriptor fails
 * with G_IO_ERROR_FAILED for EFBIG and EDQUOT, its message ending in
 * g_strerror()). */
static gboolean
error_is_errno (const GError *error,
                int           errsv)
{
  return error->domain == G_IO_ERROR && g_str_has_suffix (error->message, g_strerror (errsv));
}

/* Turns a GIO failure into one sentence the user can read, naming the
 * file. The callers put "Could not export to “NAME”" before it. */
static void
propagate_io_error (GError **error,
                    GError  *local_error,
                    GFile   *file)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *display = g_filename_display_name (name != NULL ? name : "");

  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      || local_error->domain == AMAP_ERROR)
    {
      g_propagate_error (error, local_error);
      return;
    }

  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NO_SPACE) ||
      error_is_errno (local_error, EDQUOT))
    g_set_error (error, AMAP_ERROR, AMAP_ERROR_NO_SPACE,
                 _("The disk is full: free some space for “%s”, or export to another disk"),
                 display);
  else if (error_is_errno (local_error, EFBIG) && !is_kmz (file))
    g_set_error (error, AMAP_ERROR, AMAP_ERROR_NO_SPACE,
                 _("“%s” would be larger than this disk allows for one file: export to another disk, or as a smaller .kmz"),
                 display);
  else if (error_is_errno (local_error, EFBIG))
    g_set_error (error, AMAP_ERROR, AMAP_ERROR_NO_SPACE,
                 _("“%s” would be larger than this disk allows for one file: export to another disk"),
                 display);
  else
    g_set_error (error, AMAP_ERROR, AMAP_ERROR_IO, _("“%s” could not be written: %s"),
                 display, local_error->message);
  g_error_free (local_error);
}

/* Writes the document to @stream and closes it; FALSE with the first
 * error. */
static gboolean
write_and_close (ExportData    *data,
                 AmapKmlWriter *writer,
                 GOutputStream *base,
                 int            fd,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(GOutputStream) stream = NULL;
  gboolean ok;

  /* The KML writer hands over its output in large pieces of its own: a
   * buffer in between would only copy every byte once more. The zip
   * writer's pieces are small. */
  if (is_kmz (data->file))
    {
      stream = g_buffered_output_stream_new_sized (base, 64 * 1024);
      ok = write_kmz (data, writer, stream, cancellable, error);
    }
  else
    {
      stream = g_object_ref (base);
      ok = write_document (data, writer, stream, fd, cancellable, error);
    }

  /* Close even after a failure; report the first error. */
  if (!g_output_stream_close (stream, ok ? cancellable : NULL, ok ? error : NULL))
    ok = FALSE;

  if (ok && g_cancellable_set_error_if_cancelled (cancellable, error))
    ok = FALSE;

  return ok;
}

/* A file without a local path (a GVfs location): GIO's own replace,
 * which writes beside the target and renames when the stream is closed. */
static gboolean
export_to_location (ExportData    *data,
                    AmapKmlWriter *writer,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autoptr(GCancellable) abandon = g_cancellable_new ();
  g_autoptr(GOutputStream) buffered = NULL;
  gboolean ok;

  stream = g_file_replace (data->file, NULL, FALSE, G_FILE_CREATE_PRIVATE, cancellable, error);
  if (stream == NULL)
    return FALSE;

  buffered = g_buffered_output_stream_new_sized (G_OUTPUT_STREAM (stream), 64 * 1024);
  g_filter_output_stream_set_close_base_stream (G_FILTER_OUTPUT_STREAM (buffered), FALSE);
  if (is_kmz (data->file))
    ok = write_kmz (data, writer, buffered, cancellable, error);
  else
    ok = write_document (data, writer, buffered, -1, cancellable, error);
  ok = ok && g_output_stream_close (buffered, cancellable, error);
  ok = ok && !g_cancellable_set_error_if_cancelled (cancellable, error);

  if (ok)
    return g_output_stream_close (G_OUTPUT_STREAM (stream), cancellable, error);

  /* A cancelled close abandons the replacement; the old file stays. */
  g_cancellable_cancel (abandon);
  g_output_stream_close (G_OUTPUT_STREAM (stream), abandon, NULL);
  return FALSE;
}

static gboolean
export_data_run (ExportData    *data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(AmapKmlWriter) writer = amap_kml_writer_new (data->title);
  g_autofree char *target_path = g_file_get_path (data->file);
  GError *local_error = NULL;
  TempFile tmp = { NULL, -1 };
  gboolean ok;

  if (data->categories != NULL)
    amap_kml_writer_set_categories (writer, data->categories);
  amap_kml_writer_set_include_private (writer, (data->flags & AMAP_EXPORT_INCLUDE_PRIVATE) != 0);
  amap_kml_writer_set_by_layer (writer, (data->flags & AMAP_EXPORT_BY_LAYER) != 0);

  if (target_path == NULL)
    {
      if (!export_to_location (data, writer, cancellable, &local_error))
        {
          propagate_io_error (error, local_error, data->file);
          return FALSE;
        }
      return TRUE;
    }

  ok = create_temporary (target_path, &tmp, &local_error);
  if (ok)
    {
      g_autoptr(GOutputStream) base = g_unix_output_stream_new (tmp.fd, FALSE);

      ok = write_and_close (data, writer, base, tmp.fd, cancellable, &local_error)
           && commit_temporary (&tmp, target_path, &local_error);
    }
  temp_file_clear (&tmp);

  if (!ok)
    {
      if (local_error == NULL)
        g_set_error_literal (&local_error, AMAP_ERROR, AMAP_ERROR_FAILED,
                             _("The export failed"));
      propagate_io_error (error, local_error, data->file);
      return FALSE;
    }

  return TRUE;
}

/**
 * amap_export_check_target:
 *
 * An export replaces its target: never a map in use (the very map being
 * exported, say). Fails with AMAP_ERROR_INVALID naming the file.
 */
gboolean
amap_export_check_target (GFile   *file,
                          GError **error)
{
  g_autofree char *target = NULL;

  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  target = g_file_get_path (file);
  if (target != NULL && amap_store_is_open_file (target))
    {
      g_autofree char *display = g_filename_display_name (target);

      g_set_error (error, AMAP_ERROR, AMAP_ERROR_INVALID,
                   _("“%s” is a map in use, so the export cannot replace it. "
                     "Choose another name for the export."),
                   display);
      return FALSE;
    }

  return TRUE;
}

static ExportData *
export_data_new (AmapStore       *store,
                 GPtrArray       *assets,
                 GFile           *file,
                 AmapExportFlags  flags,
                 gboolean         copy,
                 GError         **error)
{
  g_autoptr(ExportData) data = NULL;
  GListModel *categories = amap_store_get_categories (store);
  GListStore *snapshot;
  g_autoptr(GError) snapshot_error = NULL;
  guint n = g_list_model_get_n_items (categories);

  if (!amap_export_check_target (file, error))
    return NULL;

  data = g_new0 (ExportData, 1);
  snapshot = g_list_store_new (AMAP_TYPE_CATEGORY);

  /* A snapshot: categories are immutable objects, but the list is not. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) category = g_list_model_get_item (categories, i);

      g_list_store_append (snapshot, category);
    }
  data->categories = G_LIST_MODEL (snapshot);
  data->title = g_strdup (amap_store_get_title (store));
  data->file = g_object_ref (file);
  data->flags = flags;

  /* The streamed write goes by category; folders by layer need the
   * assets in hand to sort them by layer. */
  if (assets == NULL && !copy && (flags & AMAP_EXPORT_BY_LAYER) == 0)
    {
      /* Streamed in export_data_run(), on the caller's thread. */
      data->store = g_object_ref (store);
    }
  else if (assets == NULL && (flags & AMAP_EXPORT_BY_LAYER) == 0 &&
           (data->store = amap_store_open_snapshot (store, &snapshot_error)) != NULL)
    {
      /* Streamed on the worker thread, from the map as it is now: memory
       * stays the same whatever the size of the map. */
    }
  else if (assets == NULL)
    {
      if (snapshot_error != NULL)
        g_debug ("Exporting from a copy of every asset: %s", snapshot_error->message);
      data->assets = amap_store_list_assets (store, error);
      if (data->assets == NULL)
        return NULL;
    }
  else if (copy)
    {
      data->assets = g_ptr_array_new_full (assets->len, g_object_unref);
      for (guint i = 0; i < assets->len; i++)
        g_ptr_array_add (data->assets, amap_asset_copy (g_ptr_array_index (assets, i)));
    }
  else
    data->assets = g_ptr_array_ref (assets);

  return g_steal_pointer (&data);
}

gboolean
amap_export_file (AmapStore     *store,
                  GPtrArray     *assets,
                  GFile         *file,
                  GCancellable  *cancellable,
                  GError       **error)
{
  return amap_export_file_with_flags (store, assets, file, AMAP_EXPORT_FULL, cancellable, error);
}

gboolean
amap_export_file_with_flags (AmapStore        *store,
                             GPtrArray        *assets,
                             GFile            *file,
                             AmapExportFlags   flags,
                             GCancellable     *cancellable,
                             GError          **error)
{
  g_autoptr(ExportData) data = NULL;

  g_return_val_if_fail (AMAP_IS_STORE (store), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  data = export_data_new (store, assets, file, flags, FALSE, error);
  if (data == NULL)
    return FALSE;

  return export_data_run (data, cancellable, error);
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GError *error = NULL;

  if (export_data_run (task_data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
amap_export_file_async (AmapStore           *store,
                        GPtrArray           *assets,
                        GFile               *file,
                        AmapExportFlags      flags,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ExportData *data;
  GError *error = NULL;

  g_return_if_fail (AMAP_IS_STORE (store));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, amap_export_file_async);

  /* Copies: the store and the caller's assets may change meanwhile. */
  data = export_data_new (store, assets, file, flags, TRUE, &error);
  if (data == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_set_task_data (task, data, (GDestroyNotify) export_data_free);
  g_task_run_in_thread (task, export_thread);
}

gboolean
amap_export_file_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, amap_export_file_async), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

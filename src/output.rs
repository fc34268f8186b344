//! Writing files safely: every file is written to a temporary file in its own folder, flushed to
//! disk and renamed into place, so a reader (or a render killed half-way) only ever sees a
//! complete old file or a complete new one.
//!
//! Temporaries are named `.<file>.inertia-tmp-<random>`. The leading dot is what makes them
//! recognisable: output names never start with one, so no output, whatever its name, is ever
//! taken for a temporary. A failed write removes its temporary (`tempfile` does, on drop); a
//! process killed mid-write cannot, so [`remove_stray_temporaries`] does it on a later run, and
//! only when no render is writing into the folder. That is decided with advisory locks on the
//! folder itself, not by guessing from names or process ids: every write holds a shared lock
//! from before its temporary exists until it is renamed or removed, and the sweep runs only under
//! the exclusive lock, taken without waiting. The kernel drops a killed process's locks, so its
//! temporaries become removable the moment it dies, while a live writer anywhere makes the sweep
//! leave the folder alone for now. Where locks are unavailable (a folder that cannot be opened as
//! a file, a file system without locks), the sweep removes nothing; a write that cannot take its
//! lock goes on without it, and at worst a concurrent sweep makes that write fail, never an
//! output disappear.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

/// The marker in every temporary's name, after the leading dot and the target's name.
pub const TEMP_MARKER: &str = ".inertia-tmp-";

/// The longest part of a target's name a temporary's name repeats, in bytes, so that a long
/// target name does not make its temporary's name too long for the file system.
const NAME_IN_TEMPORARY: usize = 96;

/// An I/O failure, with the path it happened on; the I/O error is its source.
#[derive(Debug, thiserror::Error)]
#[error("cannot write `{}`: {source}", path.display())]
pub struct OutputError {
    pub path: PathBuf,
    pub source: std::io::Error,
}

fn err(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |source| OutputError {
        path: path.to_path_buf(),
        source,
    }
}

/// Whether a file name is one of this module's temporaries. Output names never start with `.`,
/// so this is false for every output, even one whose name contains [`TEMP_MARKER`].
pub fn is_temporary(name: &str) -> bool {
    name.starts_with('.') && name.contains(TEMP_MARKER)
}

/// Creates `dir` (and parents) if needed.
pub fn ensure_dir(dir: &Path) -> Result<(), OutputError> {
    fs::create_dir_all(dir).map_err(err(dir))
}

/// Checks that `dir` exists (creating it) and that files can be created in it, by creating a
/// probe temporary (removed at once). Run before any work so an unusable folder is reported up
/// front.
pub fn check_writable(dir: &Path) -> Result<(), OutputError> {
    ensure_dir(dir)?;
    let _writing = WriterLock::new(dir);
    create_temporary(dir, "probe").map(drop).map_err(err(dir))
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, written, flushed
/// to disk, then renamed over `path`. On failure `path` is untouched and the temporary removed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    replace(path, bytes, true)
}

/// Writes `bytes` to `path` through a temporary renamed over it, like [`write_atomic`] but not
/// flushed to disk: for a cache that may be lost. After a crash the file may be missing, empty
/// or cut short (never a mix of two versions); its reader must take any of those as "no
/// cache".
pub fn replace_unflushed(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    replace(path, bytes, false)
}

/// A temporary beside `path`, written (and flushed to disk when `flush`), renamed over `path`.
fn replace(path: &Path, bytes: &[u8], flush: bool) -> Result<(), OutputError> {
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let _writing = WriterLock::new(dir);
    let mut temp = create_temporary(dir, &name).map_err(err(path))?;
    temp.write_all(bytes).map_err(err(path))?;
    if flush {
        temp.as_file().sync_all().map_err(err(path))?;
    }
    let mut replaced = Replaced::default();
    replaced.hold(path);
    temp.persist(path).map_err(|e| err(path)(e.error))?;
    replaced.release();
    Ok(())
}

/// The files renames are about to replace, each held open by its path alone until the renames
/// are done, then let go on a background thread. On ext4, most of a rename over an existing
/// file is freeing the old one, done by whoever drops the last reference to it: 0.2–0.4 ms per
/// rename, against 0.01 ms over a file held open (measured on 9 files of 60 KB and 500 KB). The
/// renames stay in order and atomic; only the freeing moves, beside what the process does next
/// (the manifest, the gallery). Where a file cannot be held (no such file, not Linux), the rename
/// frees it as before.
#[derive(Default)]
pub struct Replaced {
    #[cfg(target_os = "linux")]
    held: Vec<rustix::fd::OwnedFd>,
}

impl Replaced {
    /// Holds the file at `path`, if there is one, without opening it for reading: a FIFO or a
    /// file without read permission is held as well, and never blocks.
    pub fn hold(&mut self, path: &Path) {
        #[cfg(target_os = "linux")]
        {
            use rustix::fs::{Mode, OFlags};
            let flags = OFlags::PATH | OFlags::NOFOLLOW | OFlags::CLOEXEC;
            if let Ok(fd) = rustix::fs::open(path, flags, Mode::empty()) {
                self.held.push(fd);
            }
        }
        #[cfg(not(target_os = "linux"))]
        let _ = path;
    }

    /// Lets every held file go, on a `background` thread (here, where none can start).
    pub fn release(self) {
        #[cfg(target_os = "linux")]
        if !self.held.is_empty() {
            let held = self.held;
            if let Err(job) = background::run(Box::new(move || drop(held))) {
                job();
            }
        }
    }
}

/// Threads for what waits on the disk beside a render: flushing staged files and freeing
/// replaced ones. They are started as needed, up to [`background::MOST`], and each then waits
/// for more work rather than ending: a thread per flush was 2.7 % of quad60's CPU time (about
/// twelve threads started, scheduled and ended per render, hundreds for `render scenes/`).
mod background {
    use std::collections::VecDeque;
    use std::sync::{Condvar, Mutex, MutexGuard};

    /// A piece of work for a background thread.
    pub type Job = Box<dyn FnOnce() + Send>;

    /// The most background threads at once: as many flushes as this may be under way together
    /// (the file system commits overlapping flushes in one go); more wait in the queue.
    pub const MOST: usize = 8;

    struct Queue {
        jobs: VecDeque<Job>,
        /// Threads waiting for a job.
        idle: usize,
        threads: usize,
    }

    static QUEUE: Mutex<Queue> = Mutex::new(Queue {
        jobs: VecDeque::new(),
        idle: 0,
        threads: 0,
    });
    static WORK: Condvar = Condvar::new();

    fn queue() -> MutexGuard<'static, Queue> {
        crate::sync::lock(&QUEUE)
    }

    /// Runs `job` on a background thread: one that is waiting, else a new one, else the first
    /// to be free. Gives `job` back when there is no thread and none can be started.
    pub fn run(job: Job) -> Result<(), Job> {
        let mut q = queue();
        if q.jobs.len() < q.idle || q.threads >= MOST {
            q.jobs.push_back(job);
            WORK.notify_one();
            return Ok(());
        }
        q.threads += 1;
        drop(q);
        // The job goes with the thread, so a failed start gives it back.
        let slot = std::sync::Arc::new(Mutex::new(Some(job)));
        let first = std::sync::Arc::clone(&slot);
        let started = std::thread::Builder::new()
            .name("inertia-background".into())
            .spawn(move || {
                let job = crate::sync::lock(&first).take();
                work(job);
            });
        if started.is_ok() {
            return Ok(());
        }
        let mut q = queue();
        q.threads -= 1;
        let job = crate::sync::lock(&slot).take();
        match job {
            Some(job) if q.threads == 0 => Err(job),
            Some(job) => {
                q.jobs.push_back(job);
                WORK.notify_one();
                Ok(())
            }
            None => Ok(()),
        }
    }

    /// A background thread: runs its first job, then each job queued, waiting when there is
    /// none. A job that panics is dropped there; the thread goes on.
    fn work(mut job: Option<Job>) {
        loop {
            if let Some(job) = job.take() {
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
            }
            let mut q = queue();
            q.idle += 1;
            loop {
                if let Some(next) = q.jobs.pop_front() {
                    q.idle -= 1;
                    job = Some(next);
                    break;
                }
                q = crate::sync::wait(&WORK, q);
            }
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        /// Every job runs, on no more than `MOST` threads, however many are queued at once, and
        /// a job that panics leaves the threads working.
        #[test]
        fn every_job_runs_on_a_bounded_set_of_threads() {
            let (done, finished) = std::sync::mpsc::channel();
            let jobs = 5 * MOST;
            let boom: Job = Box::new(|| panic!("a job that fails"));
            if let Err(job) = run(boom) {
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
            }
            for k in 0..jobs {
                let done = done.clone();
                let job: Job = Box::new(move || {
                    std::thread::sleep(std::time::Duration::from_millis(2));
                    let _ = done.send((k, std::thread::current().id()));
                });
                if let Err(job) = run(job) {
                    job();
                }
            }
            let mut seen = std::collections::BTreeSet::new();
            let mut threads = std::collections::HashSet::new();
            for _ in 0..jobs {
                let (k, thread) = finished
                    .recv_timeout(std::time::Duration::from_secs(30))
                    .expect("every job runs");
                seen.insert(k);
                threads.insert(thread);
            }
            assert_eq!(seen.len(), jobs);
            assert!(threads.len() <= MOST, "{} threads", threads.len());
            assert!(queue().threads <= MOST);
        }
    }
}

/// Files on their way into one folder, each atomically, all renamed into place together. A file
/// is written to a temporary beside its target as soon as it is staged, and flushed to disk on
/// a background thread meanwhile (the file system commits flushes that overlap in one go, and a
/// file staged early is on disk by the time the last one is ready). [`Staged::commit`] waits for
/// every flush and only when all have succeeded renames each temporary over its target, in the
/// order staged. Dropped without a commit (a failure anywhere), it removes every temporary and
/// touches no target. Staging may happen from several threads at once.
pub struct Staged {
    dir: PathBuf,
    _writing: WriterLock,
    state: std::sync::Mutex<StagedFiles>,
}

/// What a [`Staged`] holds: each file with its temporary and the flush under way, and the first
/// error met while staging.
#[derive(Default)]
struct StagedFiles {
    files: Vec<StagedFile>,
    error: Option<OutputError>,
}

struct StagedFile {
    name: String,
    temp: NamedTempFile,
    flush: Flush,
}

/// A staged file's flush to disk, under way on a [`background`] thread (or, where no thread
/// could be started, done on the staging thread): its result, once there is one.
struct Flush(std::sync::mpsc::Receiver<std::io::Result<()>>);

impl Flush {
    fn start(file: File) -> Flush {
        let (done, result) = std::sync::mpsc::sync_channel(1);
        let flush: background::Job = Box::new(move || {
            let _ = done.send(file.sync_all());
        });
        if let Err(flush) = background::run(flush) {
            flush();
        }
        Flush(result)
    }

    fn wait(self) -> std::io::Result<()> {
        self.0
            .recv()
            .unwrap_or_else(|_| Err(std::io::Error::other("flushing a file to disk failed")))
    }
}

impl Staged {
    /// Starts writing into `dir` (which must exist).
    pub fn new(dir: &Path) -> Self {
        Staged {
            dir: dir.to_path_buf(),
            _writing: WriterLock::new(dir),
            state: std::sync::Mutex::default(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, StagedFiles> {
        crate::sync::lock(&self.state)
    }

    /// Writes `bytes` for the file `name` to a temporary and starts flushing it. An error is
    /// kept for [`Staged::commit`] to return (the first one met).
    pub fn stage(&self, name: &str, bytes: &[u8]) {
        let path = self.dir.join(name);
        let started = create_temporary(&self.dir, name)
            .and_then(|mut temp| {
                temp.write_all(bytes)?;
                let file = temp.as_file().try_clone()?;
                Ok((temp, file))
            })
            .map_err(err(&path))
            .map(|(temp, file)| {
                let flush = Flush::start(file);
                (temp, flush)
            });
        let mut state = self.lock();
        match started {
            Ok((temp, flush)) => {
                state.files.push(StagedFile {
                    name: name.to_string(),
                    temp,
                    flush,
                });
            }
            Err(e) => {
                state.error.get_or_insert(e);
            }
        }
    }

    /// Whether `name` has been staged.
    pub fn has(&self, name: &str) -> bool {
        self.lock().files.iter().any(|f| f.name == name)
    }

    /// Waits for every flush, then renames every temporary over its target, in the order
    /// staged; the first error stops it (files renamed before it stay, the others' temporaries
    /// are removed).
    pub fn commit(self) -> Result<(), OutputError> {
        let StagedFiles { files, error } = std::mem::take(&mut *self.lock());
        let mut failed = error;
        let mut flushed = Vec::with_capacity(files.len());
        for f in files {
            let path = self.dir.join(&f.name);
            if let Err(e) = f.flush.wait() {
                failed.get_or_insert(err(&path)(e));
            }
            flushed.push((path, f.temp));
        }
        if let Some(e) = failed {
            return Err(e);
        }
        let mut replaced = Replaced::default();
        for (path, _) in &flushed {
            replaced.hold(path);
        }
        for (path, temp) in flushed {
            temp.persist(&path).map_err(|e| err(&path)(e.error))?;
        }
        replaced.release();
        Ok(())
    }
}

/// Writes `bytes` to `path` as [`write_atomic`] does, unless the file there already holds
/// exactly these bytes (then it is left alone: nothing is written, flushed or renamed). Returns
/// whether it wrote.
pub fn write_atomic_if_changed(path: &Path, bytes: &[u8]) -> Result<bool, OutputError> {
    let same = fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
        && fs::read(path).is_ok_and(|old| old == bytes);
    if same {
        return Ok(false);
    }
    write_atomic(path, bytes)?;
    Ok(true)
}

/// The longest file name most file systems take, bytes.
const NAME_MAX: usize = 255;

/// Checks, before any work, that every file `names` can be written into `dir`: no folder stands
/// where a file goes, and no name (with its temporary's prefix and suffix) is too long for the
/// file system. What this finds is invalid input (the output folder or the names), found before
/// anything is written.
pub fn check_targets<'n>(
    dir: &Path,
    names: impl IntoIterator<Item = &'n str>,
) -> Result<(), OutputError> {
    // The folder is listed once, and only a name listed as something other than a file (a
    // folder, or a link that may lead to one) is looked at: a look per name costs more.
    let mut not_files = std::collections::HashSet::new();
    let listed = fs::read_dir(dir).is_ok_and(|entries| {
        for entry in entries.flatten() {
            if !entry.file_type().is_ok_and(|t| t.is_file()) {
                not_files.insert(entry.file_name());
            }
        }
        true
    });
    for name in names {
        let path = dir.join(name);
        let maybe_folder =
            !listed || name.contains(['/', '\\']) || not_files.contains(std::ffi::OsStr::new(name));
        if maybe_folder && path.is_dir() {
            return Err(OutputError {
                path,
                source: std::io::Error::other("a folder stands where this file would be written"),
            });
        }
        // `.` + name (at most NAME_IN_TEMPORARY of it) + marker + 6 random characters.
        let temporary = 1 + name.len().min(NAME_IN_TEMPORARY) + TEMP_MARKER.len() + 6;
        if name.len() > NAME_MAX || temporary > NAME_MAX {
            return Err(OutputError {
                path,
                source: std::io::Error::other("the file name is too long for the file system"),
            });
        }
    }
    Ok(())
}

/// The output folders this process holds a [`ManifestLock`] on (canonical paths): its own
/// writes there need no shared lock (taking one would wait on itself).
static HELD: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

fn held(dir: &Path) -> bool {
    let Ok(dir) = dir.canonicalize() else {
        return false;
    };
    crate::sync::lock(&HELD).contains(&dir)
}

/// An exclusive lock on an output folder, held (released on drop) while a render reads the
/// manifest, merges its records and writes it and the gallery: renders sharing a folder take
/// turns there, so none loses another's records. It is the folder's own lock, the one every
/// write holds shared (so it also waits for other renders' writes in progress, and the folder
/// gains no lock file); this process's own writes while it holds it go ahead unlocked.
/// Without locks (a file system that has none) renders go on unserialised.
pub struct ManifestLock {
    folder: Option<(File, PathBuf)>,
}

impl ManifestLock {
    /// Waits for the lock on `dir`.
    pub fn acquire(dir: &Path) -> ManifestLock {
        let folder = File::open(dir)
            .ok()
            .filter(|f| fs4::FileExt::lock(f).is_ok())
            .and_then(|f| Some((f, dir.canonicalize().ok()?)));
        if let Some((_, path)) = &folder {
            crate::sync::lock(&HELD).push(path.clone());
        }
        ManifestLock { folder }
    }
}

impl Drop for ManifestLock {
    fn drop(&mut self) {
        if let Some((_, path)) = &self.folder {
            let mut h = crate::sync::lock(&HELD);
            if let Some(i) = h.iter().position(|p| p == path) {
                h.swap_remove(i);
            }
        }
        // Closing the folder releases the lock.
    }
}

/// `path` made absolute against the working directory, with `.` and `..` resolved by their
/// names (links are not followed): two paths to one place written differently compare equal.
pub fn absolute(path: &Path) -> PathBuf {
    use std::path::Component;
    let Ok(abs) = std::path::absolute(path) else {
        return path.to_path_buf();
    };
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

/// `path` as a relative path from the folder `base` (both made absolute against the working
/// directory first, without following links), with `/` between parts: how a file is named
/// from a page or a record in `base`, whatever the working directory of the one who reads it.
/// The path as given when no relative path exists (another drive).
pub fn relative_path(path: &Path, base: &Path) -> String {
    use std::path::Component;
    let as_given = || path.to_string_lossy().replace('\\', "/");
    let (Ok(target), Ok(from)) = (std::path::absolute(path), std::path::absolute(base)) else {
        return as_given();
    };
    // `..` resolved lexically (`absolute` keeps them).
    fn normal(p: &Path) -> Vec<Component<'_>> {
        let mut out: Vec<Component> = Vec::new();
        for c in p.components() {
            match c {
                Component::CurDir => {}
                Component::ParentDir => {
                    if matches!(out.last(), Some(Component::Normal(_))) {
                        out.pop();
                    }
                }
                c => out.push(c),
            }
        }
        out
    }
    let (target, from) = (normal(&target), normal(&from));
    if target.first() != from.first() {
        return as_given();
    }
    let common = target.iter().zip(&from).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); from.len() - common];
    parts.extend(
        target[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

/// Writes a folder of files atomically as a whole: the files are written (in parallel) and
/// flushed into a temporary folder beside `path`, which is then renamed to `path`. An existing
/// folder at `path` is first renamed aside (to a temporary name) and removed once the new one
/// is in place, so the folder is replaced whole: a reader sees all the old files or all the new
/// ones (and, for the instant between the two renames, no folder). On failure `path` is
/// untouched and the temporary folder removed.
pub fn write_dir_atomic(path: &Path, files: &[(&str, &[u8])]) -> Result<(), OutputError> {
    use rayon::prelude::*;
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let _writing = WriterLock::new(dir);
    let fresh = create_temporary_dir(dir, &name).map_err(err(path))?;
    files.par_iter().try_for_each(|(file, bytes)| {
        let target = fresh.path().join(file);
        let mut f = File::create(&target).map_err(err(&target))?;
        f.write_all(bytes).map_err(err(&target))?;
        f.sync_all().map_err(err(&target))
    })?;
    // The old folder goes aside onto an empty temporary folder (a rename may replace an empty
    // folder), and is removed with it when `aside` is dropped.
    let aside = if path.is_dir() {
        let aside = create_temporary_dir(dir, &name).map_err(err(path))?;
        fs::rename(path, aside.path()).map_err(err(path))?;
        Some(aside)
    } else {
        None
    };
    if let Err(e) = fs::rename(fresh.path(), path) {
        if let Some(aside) = &aside {
            // Put the old folder back: the write failed, the outputs stay as they were.
            let _ = fs::rename(aside.path(), path);
        }
        return Err(err(path)(e));
    }
    // `fresh` is `path` now: keep it.
    let _ = fresh.keep();
    drop(aside);
    Ok(())
}

/// A new, empty temporary folder in `dir` for the folder `target_name`, with the permissions
/// of a folder made by [`fs::create_dir`].
fn create_temporary_dir(dir: &Path, target_name: &str) -> std::io::Result<tempfile::TempDir> {
    let mut end = target_name.len().min(NAME_IN_TEMPORARY);
    while !target_name.is_char_boundary(end) {
        end -= 1;
    }
    let prefix = format!(".{}{TEMP_MARKER}", &target_name[..end]);
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).rand_bytes(6);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o777));
    }
    builder.tempdir_in(dir)
}

/// Removes the temporaries that killed renders left in `dir` and returns how many it removed.
/// Nothing is removed while any render holds the folder's writer lock (or when locks are
/// unavailable there): a temporary is only ever removed once no process can still be writing it.
pub fn remove_stray_temporaries(dir: &Path) -> usize {
    let Ok(folder) = File::open(dir) else {
        return 0;
    };
    if fs4::FileExt::try_lock(&folder).is_err() {
        return 0;
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        if !is_temporary(&entry.file_name().to_string_lossy()) {
            continue;
        }
        // Temporary folders come from [`write_dir_atomic`].
        let gone = match entry.file_type() {
            Ok(t) if t.is_file() => fs::remove_file(entry.path()).is_ok(),
            Ok(t) if t.is_dir() => fs::remove_dir_all(entry.path()).is_ok(),
            _ => false,
        };
        removed += usize::from(gone);
    }
    // Closing `folder` releases the exclusive lock.
    removed
}

/// A shared lock on a folder, held while a temporary exists in it; released on drop. Holding
/// none (the folder cannot be opened or locked) only means the sweep cannot run meanwhile.
struct WriterLock {
    _folder: Option<File>,
}

impl WriterLock {
    fn new(dir: &Path) -> Self {
        if held(dir) {
            // This process holds the folder exclusively: no sweep can run meanwhile.
            return WriterLock { _folder: None };
        }
        let folder = File::open(dir)
            .ok()
            .filter(|f| fs4::FileExt::lock_shared(f).is_ok());
        WriterLock { _folder: folder }
    }
}

/// A new, empty temporary in `dir` for the file `target_name`, readable as a file created with
/// [`File::create`] would be (tempfile's default is owner-only).
fn create_temporary(dir: &Path, target_name: &str) -> std::io::Result<NamedTempFile> {
    let mut end = target_name.len().min(NAME_IN_TEMPORARY);
    while !target_name.is_char_boundary(end) {
        end -= 1;
    }
    let prefix = format!(".{}{TEMP_MARKER}", &target_name[..end]);
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).rand_bytes(6);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // The process's umask applies, as it does to `File::create`.
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    builder.tempfile_in(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        write_atomic(&path, b"old").unwrap();
        write_atomic(&path, b"new").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        assert_eq!(names(dir.path()), ["a.txt"]);
    }

    #[test]
    fn files_written_together_replace_and_leave_no_temporaries() {
        // Every file staged, then committed: the paths written, in order.
        let write_files_atomic = |dir: &Path, files: &[(&str, &[u8])]| {
            let staged = Staged::new(dir);
            for (name, bytes) in files {
                staged.stage(name, bytes);
            }
            staged.commit().map(|()| {
                files
                    .iter()
                    .map(|(name, _)| dir.join(name))
                    .collect::<Vec<_>>()
            })
        };
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.gif"), b"old").unwrap();
        let names_in: Vec<String> = (0..20).map(|k| format!("f{k:02}.txt")).collect();
        let mut files: Vec<(&str, &[u8])> = vec![("a.gif", b"new")];
        files.extend(names_in.iter().map(|n| (n.as_str(), n.as_bytes())));
        let written = write_files_atomic(dir.path(), &files).unwrap();
        assert_eq!(written.len(), 21);
        assert_eq!(fs::read(dir.path().join("a.gif")).unwrap(), b"new");
        assert_eq!(fs::read(dir.path().join("f07.txt")).unwrap(), b"f07.txt");
        let mut expected: Vec<String> = names_in.clone();
        expected.insert(0, "a.gif".into());
        assert_eq!(names(dir.path()), expected);
        // A folder where one file goes: its rename fails, after the files before it.
        fs::create_dir(dir.path().join("b.png")).unwrap();
        let e = write_files_atomic(dir.path(), &[("b.png", b"x"), ("c.svg", b"y")]).unwrap_err();
        assert_eq!(e.path, dir.path().join("b.png"));
        assert!(!names(dir.path()).iter().any(|n| is_temporary(n)));
        assert!(!dir.path().join("c.svg").exists());
    }

    /// Files staged from several threads are all renamed in on commit; a staging that is
    /// dropped, or whose staging failed, touches no target and leaves no temporary.
    #[test]
    fn staged_files_land_together_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.png"), b"old").unwrap();
        let staged = Staged::new(dir.path());
        std::thread::scope(|scope| {
            for k in 0..4 {
                let staged = &staged;
                scope.spawn(move || staged.stage(&format!("f{k}.txt"), format!("{k}").as_bytes()));
            }
        });
        staged.stage("a.png", b"new");
        assert!(staged.has("f3.txt") && staged.has("a.png") && !staged.has("b.png"));
        // Nothing is in place before the commit.
        assert_eq!(fs::read(dir.path().join("a.png")).unwrap(), b"old");
        assert!(!dir.path().join("f0.txt").exists());
        staged.commit().unwrap();
        assert_eq!(fs::read(dir.path().join("a.png")).unwrap(), b"new");
        assert_eq!(fs::read(dir.path().join("f2.txt")).unwrap(), b"2");
        assert_eq!(
            names(dir.path()),
            ["a.png", "f0.txt", "f1.txt", "f2.txt", "f3.txt"]
        );

        let dropped = Staged::new(dir.path());
        dropped.stage("a.png", b"newer");
        dropped.stage("g.txt", b"g");
        drop(dropped);
        assert_eq!(fs::read(dir.path().join("a.png")).unwrap(), b"new");
        assert!(!dir.path().join("g.txt").exists());
        assert!(!names(dir.path()).iter().any(|n| is_temporary(n)));

        // A temporary that cannot be made (its folder is gone) fails the commit.
        let gone = dir.path().join("gone");
        let failing = Staged::new(&gone);
        failing.stage("x.txt", b"x");
        assert_eq!(failing.commit().unwrap_err().path, gone.join("x.txt"));
        let half = Staged::new(dir.path());
        half.stage("h.txt", b"h");
        half.lock().error = Some(err(&gone)(std::io::Error::other("failed")));
        assert!(half.commit().is_err());
        assert!(!dir.path().join("h.txt").exists());
        assert!(!names(dir.path()).iter().any(|n| is_temporary(n)));
    }

    /// A replaced file is held (its inode kept, unlinked, until released), whatever it is: a
    /// FIFO or a file nobody may read is held without blocking, and a link is replaced itself,
    /// never the file it leads to.
    #[cfg(target_os = "linux")]
    #[test]
    fn replaced_files_are_held_until_released_and_never_block() {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.png");
        fs::write(&file, b"old").unwrap();
        let old_inode = fs::metadata(&file).unwrap().ino();
        let mut replaced = Replaced::default();
        replaced.hold(&file);
        assert_eq!(replaced.held.len(), 1);
        write_atomic(&file, b"new").unwrap();
        let held = rustix::fs::fstat(&replaced.held[0]).unwrap();
        assert_eq!(held.st_ino, old_inode);
        assert_eq!(held.st_nlink, 0, "the old file is unlinked, only held");
        replaced.release();

        let fifo = dir.path().join("b.svg");
        rustix::fs::mknodat(
            rustix::fs::CWD,
            &fifo,
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_raw_mode(0o644),
            0,
        )
        .unwrap();
        let locked = dir.path().join("c.csv");
        fs::write(&locked, b"old").unwrap();
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
        let outside = tempfile::tempdir().unwrap();
        let target = outside.path().join("kept.txt");
        fs::write(&target, b"kept").unwrap();
        let link = dir.path().join("d.txt");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let staged = Staged::new(dir.path());
        for name in ["b.svg", "c.csv", "d.txt"] {
            staged.stage(name, name.as_bytes());
        }
        staged.commit().unwrap();
        for name in ["b.svg", "c.csv", "d.txt"] {
            let path = dir.path().join(name);
            assert!(fs::symlink_metadata(&path).unwrap().is_file(), "{name}");
            assert_eq!(fs::read(&path).unwrap(), name.as_bytes());
        }
        assert_eq!(fs::read(&target).unwrap(), b"kept");
    }

    #[test]
    fn unchanged_files_are_not_written_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index.html");
        assert!(write_atomic_if_changed(&path, b"page").unwrap());
        let before = fs::metadata(&path).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert!(!write_atomic_if_changed(&path, b"page").unwrap());
        assert_eq!(fs::metadata(&path).unwrap().modified().unwrap(), before);
        assert!(write_atomic_if_changed(&path, b"page 2").unwrap());
        assert_eq!(fs::read(&path).unwrap(), b"page 2");
    }

    #[test]
    fn a_folder_is_replaced_whole_and_leaves_no_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.frames");
        write_dir_atomic(
            &path,
            &[("0.png", b"old0"), ("1.png", b"old1"), ("2.png", b"x")],
        )
        .unwrap();
        write_dir_atomic(&path, &[("0.png", b"new0"), ("1.png", b"new1")]).unwrap();
        assert_eq!(names(&path), ["0.png", "1.png"]);
        assert_eq!(fs::read(path.join("0.png")).unwrap(), b"new0");
        assert_eq!(names(dir.path()), ["a.frames"]);
        // A killed write's temporary folder is swept like a file.
        fs::create_dir(dir.path().join(".a.frames.inertia-tmp-abcdef")).unwrap();
        fs::write(
            dir.path().join(".a.frames.inertia-tmp-abcdef/0.png"),
            b"half",
        )
        .unwrap();
        assert_eq!(remove_stray_temporaries(dir.path()), 1);
        assert_eq!(names(dir.path()), ["a.frames"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let plain = dir.path().join("plain");
            fs::create_dir(&plain).unwrap();
            let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode();
            assert_eq!(mode(&path), mode(&plain));
        }
    }

    #[test]
    fn a_failed_write_leaves_the_target_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        // A folder where the file should go: the rename fails.
        let path = dir.path().join("a.gif");
        fs::create_dir(&path).unwrap();
        fs::write(path.join("inside"), b"kept").unwrap();
        let e = write_atomic(&path, b"x").unwrap_err();
        assert_eq!(e.path, path);
        assert_eq!(names(dir.path()), ["a.gif"]);
        assert_eq!(fs::read(path.join("inside")).unwrap(), b"kept");
    }

    #[test]
    fn strays_are_removed_only_when_no_writer_holds_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        // What a render killed while writing leaves: the old scheme's and this one's.
        let strays = [
            ".a.gif.inertia-tmp-12345",
            ".manifest.json.inertia-tmp-Xy3k9Q",
        ];
        for s in strays {
            fs::write(dir.path().join(s), b"half").unwrap();
        }
        // Outputs, even with the marker in their names, are never temporaries.
        let outputs = ["a.inertia-tmp-1.gif", "a.gif", "b.inertia-tmp-.csv"];
        for o in outputs {
            fs::write(dir.path().join(o), b"output").unwrap();
        }
        // A live writer (another thread or process) holds the folder: nothing is removed.
        let writing = WriterLock::new(dir.path());
        assert!(
            writing._folder.is_some(),
            "this file system supports folder locks"
        );
        assert_eq!(remove_stray_temporaries(dir.path()), 0);
        assert_eq!(names(dir.path()).len(), strays.len() + outputs.len());
        drop(writing);
        // Once it is gone, the strays are.
        assert_eq!(remove_stray_temporaries(dir.path()), strays.len());
        let mut expected = outputs.map(String::from).to_vec();
        expected.sort();
        assert_eq!(names(dir.path()), expected);
    }

    #[test]
    fn temporaries_are_hidden_and_named_after_their_target() {
        let dir = tempfile::tempdir().unwrap();
        let short = create_temporary(dir.path(), "k.gif").unwrap();
        let name = short.path().file_name().unwrap().to_string_lossy();
        assert!(name.starts_with(".k.gif.inertia-tmp-"), "{name}");
        assert!(is_temporary(&name));
        // A target name too long to repeat whole still gets a temporary the file system takes.
        let long = create_temporary(dir.path(), &"n".repeat(250)).unwrap();
        let length = long.path().file_name().unwrap().len();
        assert!(length <= 255, "{length} bytes");
        assert_eq!(names(dir.path()).len(), 2);
        // Dropped unpersisted, they are gone.
        drop((short, long));
        assert!(names(dir.path()).is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn outputs_get_the_permissions_of_an_ordinary_new_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let ordinary = dir.path().join("ordinary");
        File::create(&ordinary).unwrap();
        let written = dir.path().join("written");
        write_atomic(&written, b"x").unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode();
        assert_eq!(mode(&written), mode(&ordinary));
    }

    #[test]
    fn relative_paths_hold_from_any_working_directory() {
        assert_eq!(
            relative_path(Path::new("scenes/a.toml"), Path::new("outputs")),
            "../scenes/a.toml"
        );
        assert_eq!(
            relative_path(Path::new("./scenes/../scenes/a.toml"), Path::new("out/x/")),
            "../../scenes/a.toml"
        );
        let cwd = std::env::current_dir().unwrap();
        // A relative scene and an absolute output folder (or the other way round) agree.
        assert_eq!(
            relative_path(Path::new("scenes/a.toml"), &cwd.join("outputs")),
            "../scenes/a.toml"
        );
        assert_eq!(
            relative_path(&cwd.join("s/a.toml"), Path::new("s")),
            "a.toml"
        );
    }

    #[test]
    fn targets_in_the_way_or_too_long_are_found_before_writing() {
        let dir = std::env::temp_dir().join(format!("inertia-targets-{}", std::process::id()));
        fs::create_dir_all(dir.join("a.gif")).unwrap();
        let e = check_targets(&dir, ["b.png", "a.gif"]).unwrap_err();
        assert_eq!(e.path, dir.join("a.gif"));
        assert!(e.to_string().contains("a folder stands"), "{e}");
        let long = "x".repeat(260);
        assert!(check_targets(&dir, [long.as_str()]).is_err());
        assert!(check_targets(&dir, ["b.png", "manifest.json"]).is_ok());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn unwritable_directory_is_reported_with_its_path() {
        let path = Path::new("/proc/inertia-cannot-write/a.gif");
        let e = write_atomic(path, b"x").unwrap_err();
        assert_eq!(e.path, path);
        assert!(e.to_string().contains("/proc/inertia-cannot-write/a.gif"));
        let e = check_writable(Path::new("/proc/inertia-cannot-write")).unwrap_err();
        assert!(e.to_string().contains("/proc/inertia-cannot-write"), "{e}");
    }
}

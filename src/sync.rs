//! Locks that stay usable after a thread panicked holding them.
//!
//! Every lock in the crate guards state that is whole between two updates: the background
//! threads' queue, staged files, caches of shaped text and glyph outlines, the chunks a render
//! hands out, quantized frames, progress bars. A panic on one thread (a defect, caught and
//! reported as an error where it happens) must not turn every later use of such a lock into a
//! second panic or a silently skipped update, so the crate takes its locks through these
//! functions, which hand the guard over whether or not the lock is poisoned.

use std::sync::{
    Condvar, Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard,
};

/// `mutex`, locked.
pub fn lock<T: ?Sized>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// `lock`, locked for reading.
pub fn read<T: ?Sized>(lock: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(PoisonError::into_inner)
}

/// `lock`, locked for writing.
pub fn write<T: ?Sized>(lock: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(PoisonError::into_inner)
}

/// Waits on `condvar`, giving `guard` up meanwhile; the guard again once woken.
pub fn wait<'a, T>(condvar: &Condvar, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
    condvar.wait(guard).unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A lock a thread panicked holding still hands out its data, as the panicking thread
    /// left it, for reading and writing; a plain `lock()` says it is poisoned.
    #[test]
    fn poisoned_locks_still_lock() {
        let mutex = Mutex::new(1);
        let rw = RwLock::new(vec![1]);
        std::thread::scope(|s| {
            let _ = s
                .spawn(|| {
                    let mut m = mutex.lock().unwrap();
                    let mut w = rw.write().unwrap();
                    *m = 2;
                    w.push(2);
                    panic!("a defect while holding both locks");
                })
                .join();
        });
        assert!(mutex.lock().is_err() && rw.read().is_err());
        assert_eq!(*lock(&mutex), 2);
        write(&rw).push(3);
        assert_eq!(*read(&rw), [1, 2, 3]);
        let condvar = Condvar::new();
        let guard = lock(&mutex);
        let (guard, _) = condvar
            .wait_timeout(guard, std::time::Duration::from_millis(1))
            .unwrap_or_else(PoisonError::into_inner);
        assert_eq!(*guard, 2);
    }
}

//! The demo's history is written through the store one statement after another, each a hand-off
//! between the async runtime and SQLite's worker thread. On two CPUs every hand-off is a wake-up
//! of a thread on the other CPU; on one it is a switch on the same CPU, and the whole is a third
//! faster (100 000 members: 42 → 28 s). `one_cpu` keeps every thread of the process on the CPU
//! it starts on until the guard is dropped, then gives them back the CPUs they had. Linux only;
//! elsewhere, and where a process already has one CPU, it does nothing.

/// Every thread back on its former CPUs when dropped.
pub(crate) struct OneCpu {
    #[cfg(target_os = "linux")]
    before: Option<nix::sched::CpuSet>,
}

#[cfg(target_os = "linux")]
mod linux {
    use nix::sched::{CpuSet, sched_getaffinity, sched_setaffinity};
    use nix::unistd::Pid;

    /// Sets every thread of the process (those there now; later ones inherit their creator's).
    pub(super) fn set_all(cpus: &CpuSet) {
        let Ok(tasks) = std::fs::read_dir("/proc/self/task") else { return };
        for task in tasks.flatten() {
            if let Some(tid) = task.file_name().to_str().and_then(|s| s.parse::<i32>().ok()) {
                // A thread that ended meanwhile answers ESRCH: nothing to set.
                let _ = sched_setaffinity(Pid::from_raw(tid), cpus);
            }
        }
    }

    pub(super) fn pin() -> Option<CpuSet> {
        let before = sched_getaffinity(Pid::from_raw(0)).ok()?;
        let first = (0..CpuSet::count()).find(|&c| before.is_set(c).unwrap_or(false))?;
        let more = (first + 1..CpuSet::count()).any(|c| before.is_set(c).unwrap_or(false));
        if !more {
            return None;
        }
        let mut one = CpuSet::new();
        one.set(first).ok()?;
        set_all(&one);
        Some(before)
    }
}

pub(crate) fn one_cpu() -> OneCpu {
    #[cfg(target_os = "linux")]
    {
        OneCpu { before: linux::pin() }
    }
    #[cfg(not(target_os = "linux"))]
    {
        OneCpu {}
    }
}

impl Drop for OneCpu {
    fn drop(&mut self) {
        #[cfg(target_os = "linux")]
        if let Some(before) = &self.before {
            linux::set_all(before);
        }
    }
}

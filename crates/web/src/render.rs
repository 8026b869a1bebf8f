//! CPU-heavy renderings (check sheets as PDF and XLSX, the list as XLSX) run on blocking
//! threads, a few at a time, behind a bounded queue. Anyone may ask for them; on the async
//! workers a handful at once would stall every route, `/healthz` included. When the queue is
//! full the answer is 503 with `Retry-After`.

use std::sync::Arc;
use tokio::sync::Semaphore;

/// How many renderings run at once, and how many more may wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderLimits {
    pub workers: usize,
    pub queue: usize,
}

impl Default for RenderLimits {
    fn default() -> Self {
        RenderLimits {
            workers: 2,
            queue: 8,
        }
    }
}

pub struct RenderPool {
    /// Requests admitted (running or waiting).
    admitted: Arc<Semaphore>,
    /// Requests running.
    running: Arc<Semaphore>,
}

/// The queue is full: try again shortly.
#[derive(Debug)]
pub struct Busy;

impl RenderPool {
    pub fn new(limits: RenderLimits) -> RenderPool {
        let workers = limits.workers.max(1);
        RenderPool {
            admitted: Arc::new(Semaphore::new(workers + limits.queue)),
            running: Arc::new(Semaphore::new(workers)),
        }
    }

    /// Runs `work` on a blocking thread once a worker is free; refuses at once when the queue
    /// is full.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Busy> {
        let admitted = Arc::clone(&self.admitted)
            .try_acquire_owned()
            .map_err(|_| Busy)?;
        let running = Arc::clone(&self.running)
            .acquire_owned()
            .await
            .map_err(|_| Busy)?;
        // The permits go with the job: a request dropped (timeout, client gone) cannot stop a
        // blocking job, so its slot is freed only when the work is done.
        tokio::task::spawn_blocking(move || {
            let _held = (admitted, running);
            work()
        })
        .await
        .map_err(|_| Busy)
    }
}

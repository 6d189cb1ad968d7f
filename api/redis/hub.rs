//! One Redis subscriber connection per instance, however many local listeners: each channel is
//! subscribed while somebody here listens to it, and its messages are fanned out in memory.
//! When the connection is lost every listener's stream ends (their clients reconnect and ask
//! what they missed), and the next listener opens a new connection.

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
};

use futures_util::{Stream, StreamExt};
use redis::aio::PubSubSink;
use tokio::sync::broadcast;

/// Messages a listener may fall behind by before its stream ends (it then catches up by
/// reconnecting). Each channel keeps this many recent messages in memory.
const BACKLOG: usize = 32;

type Listeners = Arc<Mutex<HashMap<String, Channel>>>;

struct Channel {
    sender: broadcast::Sender<Arc<str>>,
    listeners: usize,
    /// Which subscription this is: a listener of an earlier one (before a lost connection)
    /// leaving must not count against this one.
    id: u64,
}

/// The subscriber connection: its commands, and whether its messages stopped coming.
struct Connection {
    sink: PubSubSink,
    lost: Arc<AtomicBool>,
}

#[derive(Default)]
pub struct Hub {
    /// Held while (un)subscribing, so that those commands reach Redis in the order the map
    /// changed.
    connection: tokio::sync::Mutex<Option<Connection>>,
    listeners: Listeners,
    subscriptions: AtomicU64,
}

impl Hub {
    /// The messages published on `channel` from now on (subscribed when this returns).
    pub async fn listen(
        self: &Arc<Self>,
        client: &redis::Client,
        channel: &str,
    ) -> redis::RedisResult<impl Stream<Item = Arc<str>> + Send + 'static> {
        let mut connection = self.connection.lock().await;
        if connection
            .as_ref()
            .is_none_or(|c| c.lost.load(Ordering::Acquire))
        {
            *connection = Some(self.connect(client).await?);
        }
        let sink = &mut connection.as_mut().expect("connected").sink;
        let existing = {
            let mut listeners = self.listeners.lock().expect("listeners");
            listeners.get_mut(channel).map(|c| {
                c.listeners += 1;
                (c.sender.subscribe(), c.id)
            })
        };
        let (receiver, id) = match existing {
            Some(found) => found,
            None => {
                let (sender, receiver) = broadcast::channel(BACKLOG);
                sink.subscribe(channel).await?;
                let id = self.subscriptions.fetch_add(1, Ordering::Relaxed);
                let mut listeners = self.listeners.lock().expect("listeners");
                let first = Channel {
                    sender,
                    listeners: 1,
                    id,
                };
                listeners.insert(channel.to_string(), first);
                (receiver, id)
            }
        };
        let gone = Gone {
            hub: self.clone(),
            channel: channel.to_string(),
            id,
        };
        Ok(futures_util::stream::unfold(
            (receiver, gone),
            |(mut receiver, gone)| async move {
                // Lagging behind or a lost connection ends the stream.
                let message = receiver.recv().await.ok()?;
                Some((message, (receiver, gone)))
            },
        ))
    }

    /// Opens the subscriber connection and the task fanning its messages out.
    async fn connect(&self, client: &redis::Client) -> redis::RedisResult<Connection> {
        let (sink, mut messages) = client.get_async_pubsub().await?.split();
        let listeners = self.listeners.clone();
        let lost = Arc::new(AtomicBool::new(false));
        let lost_here = lost.clone();
        tokio::spawn(async move {
            while let Some(message) = messages.next().await {
                let Ok(payload) = message.get_payload::<String>() else {
                    continue;
                };
                let listeners = listeners.lock().expect("listeners");
                if let Some(channel) = listeners.get(message.get_channel_name()) {
                    let _ = channel.sender.send(payload.into());
                }
            }
            tracing::warn!("redis subscriber connection lost; live streams end");
            listeners.lock().expect("listeners").clear();
            lost_here.store(true, Ordering::Release);
        });
        Ok(Connection { sink, lost })
    }

    /// One listener fewer; the last one out unsubscribes.
    async fn leave(&self, channel: String, id: u64) {
        let mut connection = self.connection.lock().await;
        let last = {
            let mut listeners = self.listeners.lock().expect("listeners");
            match listeners.get_mut(&channel).filter(|c| c.id == id) {
                Some(c) if c.listeners > 1 => {
                    c.listeners -= 1;
                    false
                }
                Some(_) => listeners.remove(&channel).is_some(),
                None => false,
            }
        };
        // A failure means the connection is gone: its reader marks it lost (and forgets its
        // listeners, so it must not be replaced before), and the next listener opens another.
        if let (true, Some(c)) = (last, connection.as_mut()) {
            let _ = c.sink.unsubscribe(&channel).await;
        }
    }
}

/// Leaves the channel when a listener's stream is dropped.
struct Gone {
    hub: Arc<Hub>,
    channel: String,
    id: u64,
}

impl Drop for Gone {
    fn drop(&mut self) {
        // No runtime (shutting down): the connection goes with the process.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let hub = self.hub.clone();
            let (channel, id) = (std::mem::take(&mut self.channel), self.id);
            runtime.spawn(async move { hub.leave(channel, id).await });
        }
    }
}

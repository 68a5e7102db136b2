//! The background task that receives other instances' invalidations over Redis pub/sub and
//! reconnects by itself, with backoff, whenever the subscription is lost.

use std::time::Duration;

use bb8_redis::redis::{self, aio::PubSubSink, aio::PubSubStream};
use futures_util::StreamExt;
use tokio::sync::watch;
use tracing::{info, warn};

use crate::cache::WeakInner;
use crate::error::CacheError;
use crate::gens::Message;

const MIN_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(5);
/// A dead TCP peer (no RST) would leave the stream silent forever; a periodic PING notices.
const PING_EVERY: Duration = Duration::from_secs(2);

enum Ended {
    Shutdown,
    Lost(CacheError),
}

/// Starts the task; it stops when the last `Cache` handle is dropped (`shutdown` closes).
pub(crate) fn spawn(inner: WeakInner, shutdown: watch::Receiver<()>) {
    tokio::spawn(run(inner, shutdown));
}

async fn run(weak: WeakInner, mut shutdown: watch::Receiver<()>) {
    let Some((client, channel, timeout)) = weak.upgrade().and_then(|inner| {
        inner
            .redis
            .as_ref()
            .map(|r| (r.client.clone(), r.channel.clone(), r.timeout))
    }) else {
        return;
    };
    // Connecting includes TCP, AUTH and SELECT: allow more than one command's timeout.
    let connect_timeout = (timeout * 4).max(Duration::from_millis(500));
    let mut backoff = MIN_BACKOFF;
    let mut was_connected = false;
    loop {
        let connected = tokio::select! {
            r = connect(&client, &channel, connect_timeout) => r,
            _ = shutdown.changed() => return,
        };
        match connected {
            Ok((sink, stream)) => {
                backoff = MIN_BACKOFF;
                let Some(inner) = weak.upgrade() else { return };
                inner.subscribed();
                // Redis is reachable again: replay invalidations queued during the outage
                // now rather than on the next L1 miss, so other instances hear of them.
                if let Some(redis) = &inner.redis {
                    redis.replay_pending().await;
                }
                drop(inner);
                if was_connected {
                    info!("invalidation subscriber reconnected; L1 flushed");
                }
                was_connected = true;
                match pump(&weak, sink, stream, &mut shutdown, timeout).await {
                    Ended::Shutdown => return,
                    Ended::Lost(e) => {
                        let Some(inner) = weak.upgrade() else { return };
                        inner.unsubscribed(&e);
                    }
                }
            }
            Err(e) => {
                let Some(inner) = weak.upgrade() else { return };
                inner.unsubscribed(&e);
            }
        }
        tokio::select! {
            () = tokio::time::sleep(backoff) => {}
            _ = shutdown.changed() => return,
        }
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

async fn connect(
    client: &redis::Client,
    channel: &str,
    limit: Duration,
) -> Result<(PubSubSink, PubSubStream), CacheError> {
    let subscribe = async {
        let mut pubsub = client.get_async_pubsub().await?;
        pubsub.subscribe(channel).await?;
        Ok::<_, redis::RedisError>(pubsub.split())
    };
    match tokio::time::timeout(limit, subscribe).await {
        Ok(result) => result.map_err(CacheError::from),
        Err(_) => Err(CacheError::Timeout(limit)),
    }
}

async fn pump(
    weak: &WeakInner,
    mut sink: PubSubSink,
    mut stream: PubSubStream,
    shutdown: &mut watch::Receiver<()>,
    timeout: Duration,
) -> Ended {
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ping.tick().await;
    loop {
        tokio::select! {
            msg = stream.next() => {
                let Some(msg) = msg else {
                    return Ended::Lost(CacheError::Protocol("subscription closed".into()));
                };
                // Upgrade per message only: holding the `Arc` across awaits would keep a
                // dropped cache alive.
                let Some(inner) = weak.upgrade() else { return Ended::Shutdown };
                match serde_json::from_slice::<Message>(msg.get_payload_bytes()) {
                    Ok(message) => inner.received(message),
                    Err(e) => warn!(error = %e, "ignoring a malformed invalidation message"),
                }
            }
            _ = ping.tick() => {
                match tokio::time::timeout(timeout * 4, sink.ping::<redis::Value>()).await {
                    Ok(Ok(_)) => {}
                    Ok(Err(e)) => return Ended::Lost(e.into()),
                    Err(_) => return Ended::Lost(CacheError::Timeout(timeout * 4)),
                }
            }
            _ = shutdown.changed() => return Ended::Shutdown,
        }
    }
}

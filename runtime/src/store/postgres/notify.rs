//! Notifications over Postgres `LISTEN`: one dedicated connection per subscription.

use async_trait::async_trait;
use sqlx::PgPool;
use sqlx::postgres::PgListener;

use super::{DONE_CHANNEL, READY_CHANNEL};
use crate::error::Result;
use crate::store::{Channel, Notification, Notifications};

/// A `LISTEN` connection on the channels of a [`Store::listen`](crate::store::Store::listen).
pub(super) struct PgNotifications {
    listener: PgListener,
}

impl PgNotifications {
    /// Opens a connection and listens on `channels`.
    pub(super) async fn listen(pool: &PgPool, channels: &[Channel]) -> Result<Self> {
        let mut listener = PgListener::connect_with(pool).await?;
        listener
            .listen_all(channels.iter().map(|c| channel_name(*c)))
            .await?;
        Ok(PgNotifications { listener })
    }
}

fn channel_name(channel: Channel) -> &'static str {
    match channel {
        Channel::Ready => READY_CHANNEL,
        Channel::Done => DONE_CHANNEL,
    }
}

#[async_trait]
impl Notifications for PgNotifications {
    async fn recv(&mut self) -> Result<Notification> {
        let n = self.listener.recv().await?;
        if n.channel() != DONE_CHANNEL {
            return Ok(Notification::Ready);
        }
        Ok(Notification::Finished(match n.payload() {
            "*" => None,
            ids => Some(ids.split(',').map(str::to_owned).collect()),
        }))
    }
}

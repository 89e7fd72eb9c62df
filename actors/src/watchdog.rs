//! `Watchdog`: finds runs that stopped heartbeating.
//!
//! Every `interval` it asks the root to have each org supervisor check its runs; a run whose
//! last heartbeat is older than `stale_after` is killed, its lease (and so its repository
//! lock) released, and its task failed with code `stale` or requeued, as configured.

use ractor::concurrency::JoinHandle;
use ractor::{Actor, ActorProcessingErr, ActorRef, RpcReplyPort};

use std::time::Duration;

use crate::observe::{ActorKind, Lineage, Probe, tell, tell_every};
use crate::root_supervisor::RootMsg;

/// The actor.
#[derive(Debug)]
pub struct Watchdog;

/// Messages of [`Watchdog`].
#[derive(Debug)]
pub enum WatchdogMsg {
    /// Time for a round.
    Tick,
    /// Reply with the number of rounds so far.
    Observe(RpcReplyPort<u64>),
}

/// Start-up arguments.
#[derive(Debug)]
pub struct WatchdogArgs {
    /// Where rounds are sent.
    pub root: ActorRef<RootMsg>,
    /// Time between rounds.
    pub interval: Duration,
}

/// The watchdog's state.
#[derive(Debug)]
pub struct WatchdogState {
    probe: Probe,
    root: ActorRef<RootMsg>,
    rounds: u64,
    ticker: Option<JoinHandle<()>>,
}

impl Actor for Watchdog {
    type Msg = WatchdogMsg;
    type State = WatchdogState;
    type Arguments = WatchdogArgs;

    async fn pre_start(
        &self,
        myself: ActorRef<Self::Msg>,
        args: WatchdogArgs,
    ) -> Result<WatchdogState, ActorProcessingErr> {
        let probe = Probe::attach(
            &myself.get_cell(),
            ActorKind::Watchdog,
            "watchdog",
            None,
            Lineage::default(),
        );
        let ticker = tell_every(&myself, args.interval, || WatchdogMsg::Tick);
        Ok(WatchdogState {
            probe,
            root: args.root,
            rounds: 0,
            ticker: Some(ticker),
        })
    }

    async fn post_stop(
        &self,
        _myself: ActorRef<Self::Msg>,
        state: &mut WatchdogState,
    ) -> Result<(), ActorProcessingErr> {
        if let Some(ticker) = state.ticker.take() {
            ticker.abort();
        }
        Ok(())
    }

    async fn handle(
        &self,
        _myself: ActorRef<Self::Msg>,
        message: WatchdogMsg,
        state: &mut WatchdogState,
    ) -> Result<(), ActorProcessingErr> {
        state.probe.handled();
        match message {
            WatchdogMsg::Tick => {
                state.rounds += 1;
                tell(&state.root, RootMsg::Reap)?;
            }
            WatchdogMsg::Observe(reply) => {
                let _ = reply.send(state.rounds);
            }
        }
        Ok(())
    }
}

package io.easyrpc.internal.client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.easyrpc.RpcStatus;
import io.netty.channel.EventLoop;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import io.netty.util.concurrent.Ticker;

/**
 * The bookkeeping of the calls of one client connection: call ids, the table of pending
 * calls, the deadline scan and keep-alive pings. It lives on the connection's event loop
 * and is used from it only, so the table needs no lock.
 * <p>
 * Time is the event loop's {@link Ticker}: a call's deadline is on the clock of
 * {@link Ticker#systemTicker()}, which the event loops of a running client use, and a
 * test's event loop can move that clock by hand.
 */
final class ClientRequester {

	private final ClientConnection connection;

	private final IntObjectMap<ClientCall> pending = new IntObjectHashMap<>();

	private int nextCallId = 1;

	private final long keepAliveNanos;

	private ScheduledFuture<?> keepAliveTask;

	private long pingData;

	private final Runnable deadlineScanTask = this::scanDeadlines;

	private ScheduledFuture<?> deadlineScan;

	private long deadlineScanAt;

	private EventLoop eventLoop;

	private Ticker ticker = Ticker.systemTicker();

	ClientRequester(ClientConnection connection, long keepAliveNanos) {
		this.connection = connection;
		this.keepAliveNanos = keepAliveNanos;
	}

	/**
	 * Take the event loop the calls run on; its clock times the deadlines.
	 * @param eventLoop the connection's event loop
	 */
	void attach(EventLoop eventLoop) {
		this.eventLoop = eventLoop;
		this.ticker = eventLoop.ticker();
	}

	/**
	 * Start the keep-alive pings, if the connection has an interval.
	 */
	void start() {
		if (this.keepAliveNanos > 0) {
			long period = Math.max(1, this.keepAliveNanos / 2);
			this.keepAliveTask = this.eventLoop.scheduleAtFixedRate(this::keepAlive, period, period,
					TimeUnit.NANOSECONDS);
		}
	}

	/**
	 * Return the time left to a call's deadline on the event loop's clock.
	 * @param call the call
	 * @return the nanoseconds left, {@link Long#MAX_VALUE} without a deadline
	 */
	long remainingNanos(ClientCall call) {
		return (call.deadlineNanos != 0) ? call.deadlineNanos - this.ticker.nanoTime() : Long.MAX_VALUE;
	}

	int pendingCount() {
		return this.pending.size();
	}

	/**
	 * Return a call id that no pending call uses.
	 * @return the id, never {@code 0}
	 */
	int nextCallId() {
		int id = this.nextCallId;
		while (this.pending.containsKey(id)) {
			id = (id == Integer.MAX_VALUE) ? 1 : id + 1;
		}
		this.nextCallId = (id == Integer.MAX_VALUE) ? 1 : id + 1;
		return id;
	}

	/**
	 * Register a call before its request is written, and watch its deadline.
	 * @param call a call whose id is set
	 */
	void add(ClientCall call) {
		this.pending.put(call.callId, call);
		if (call.deadlineNanos != 0) {
			watchDeadline(call.deadlineNanos);
		}
		if (call instanceof ClientStream stream && stream.idleTimeoutNanos > 0) {
			stream.lastActivityNanos = this.ticker.nanoTime();
			scheduleIdleCheck(stream, stream.idleTimeoutNanos);
		}
	}

	// One timer per stream, scheduled again at most once per idle period rather than on
	// every item: a stream falls silent after between one and two idle periods without
	// an item. Silence counts only while the server holds credit: a consumer that has
	// not asked for more keeps the stream quiet itself.
	private void checkIdle(ClientStream stream) {
		if (!isPending(stream) || this.connection.isClosed()) {
			return;
		}
		long now = this.ticker.nanoTime();
		// Items are counted anyway; a count that moved since the last check is activity,
		// so that nothing is timed per item.
		if (stream.outstanding <= 0 || stream.messagesReceived != stream.itemsAtLastCheck) {
			stream.itemsAtLastCheck = stream.messagesReceived;
			stream.lastActivityNanos = now;
		}
		long silent = now - stream.lastActivityNanos;
		if (silent >= stream.idleTimeoutNanos) {
			this.pending.remove(stream.callId);
			stream.fail(RpcStatus.DEADLINE_EXCEEDED,
					"Stream " + stream.method + " sent no item for " + TimeUnit.NANOSECONDS.toMillis(silent)
							+ " ms, longer than its idle timeout of "
							+ TimeUnit.NANOSECONDS.toMillis(stream.idleTimeoutNanos) + " ms");
			this.connection.sendCancel(stream.callId, RpcStatus.DEADLINE_EXCEEDED);
			return;
		}
		scheduleIdleCheck(stream, stream.idleTimeoutNanos - silent);
	}

	private void scheduleIdleCheck(ClientStream stream, long delayNanos) {
		stream.idleCheck = this.eventLoop.schedule(() -> checkIdle(stream), delayNanos, TimeUnit.NANOSECONDS);
		if (stream.isDone()) {
			// Ended meanwhile: its completion may have missed this check.
			stream.idleCheck.cancel(false);
		}
	}

	ClientCall get(int callId) {
		return this.pending.get(callId);
	}

	ClientCall remove(int callId) {
		return this.pending.remove(callId);
	}

	/**
	 * Return whether a call is still pending.
	 * @param call the call
	 * @return {@code true} if its response has not arrived and it has not ended
	 */
	boolean isPending(ClientCall call) {
		return call.callId != 0 && this.pending.get(call.callId) == call;
	}

	/**
	 * Remove a call that is being cancelled.
	 * @param call the call
	 * @return {@code true} if it was still pending
	 */
	boolean removeCancelled(ClientCall call) {
		return call.callId != 0 && this.pending.remove(call.callId) == call;
	}

	// Deadlines are watched by one scan of the pending table per connection, scheduled
	// for the earliest deadline it has seen, rather than by a timer per call: calls
	// usually end long before their deadline, and a timer per call would be scheduled
	// and cancelled every time.
	private void watchDeadline(long deadlineNanos) {
		if (this.deadlineScan == null || deadlineNanos - this.deadlineScanAt < 0) {
			if (this.deadlineScan != null) {
				this.deadlineScan.cancel(false);
			}
			scheduleDeadlineScan(deadlineNanos);
		}
	}

	private void scheduleDeadlineScan(long at) {
		this.deadlineScanAt = at;
		this.deadlineScan = this.eventLoop.schedule(this.deadlineScanTask, Math.max(0, at - this.ticker.nanoTime()),
				TimeUnit.NANOSECONDS);
	}

	private void scanDeadlines() {
		this.deadlineScan = null;
		if (this.connection.isClosed()) {
			return;
		}
		long now = this.ticker.nanoTime();
		List<ClientCall> expired = null;
		boolean more = false;
		long next = 0;
		for (ClientCall call : this.pending.values()) {
			long deadline = call.deadlineNanos;
			if (deadline == 0) {
				continue;
			}
			if (now - deadline >= 0) {
				if (expired == null) {
					expired = new ArrayList<>();
				}
				expired.add(call);
			}
			else if (!more || deadline - next < 0) {
				next = deadline;
				more = true;
			}
		}
		if (expired != null) {
			for (ClientCall call : expired) {
				timedOut(call);
			}
		}
		if (more) {
			scheduleDeadlineScan(next);
		}
	}

	private void timedOut(ClientCall call) {
		if (this.pending.remove(call.callId) == call) {
			call.deadlineExceeded();
			this.connection.sendCancel(call.callId, RpcStatus.DEADLINE_EXCEEDED);
		}
	}

	// A ping goes out when nothing else did during the last half interval, so the
	// connection is never silent for longer than the keep-alive interval. Checking a flag
	// now and then costs less than watching every write.
	private void keepAlive() {
		if (!this.connection.wroteSinceLastCheck() && !this.connection.isClosed()) {
			this.connection.sendPing(nextPingData());
		}
	}

	// Keep-alive pings and those of ping() share the numbers, so that each pong finds
	// its ping.
	long nextPingData() {
		return ++this.pingData;
	}

	long nanoTime() {
		return this.ticker.nanoTime();
	}

	/**
	 * Stop the timers and fail every pending call: the connection has closed.
	 * @param status the status of the failures
	 * @param message the message of the failures
	 */
	void closed(RpcStatus status, String message) {
		List<ClientCall> calls = new ArrayList<>(this.pending.values());
		this.pending.clear();
		if (this.deadlineScan != null) {
			this.deadlineScan.cancel(false);
			this.deadlineScan = null;
		}
		if (this.keepAliveTask != null) {
			this.keepAliveTask.cancel(false);
		}
		for (ClientCall call : calls) {
			if (call.idempotent) {
				// The server may still run it, or keep its outcome, under its key.
				call.router.reattach(call, status, message);
			}
			else {
				call.fail(status, message);
			}
		}
	}

}

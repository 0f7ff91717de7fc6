package io.easyrpc.internal.client;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.codec.ValueType;
import io.easyrpc.internal.protocol.Preface;
import io.easyrpc.middleware.ProcessorChain;
import io.easyrpc.transport.RpcAddress;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The subchannel's state machine and the router's choice of subchannel, over embedded
 * channels and a fake clock: no socket, no sleep.
 */
class SubchannelTests {

	private static final ObjectCodec CODEC = ObjectCodec.createDefault();

	private static final long INITIAL_BACKOFF = TimeUnit.MILLISECONDS.toNanos(200);

	private static final CallOptions HELLO = CallOptions.unary("Greeter/hello",
			new ValueType[] { CODEC.valueType(String.class) }, CODEC.valueType(String.class), null, null);

	private final AtomicLong clock = new AtomicLong(1_000_000_000L);

	private final List<EmbeddedChannel> channels = new ArrayList<>();

	@AfterEach
	void releaseChannels() {
		// Closing one channel may move its calls to another instance, which then
		// connects:
		// release until no new channel appears.
		for (int released = 0; released < this.channels.size(); released++) {
			this.channels.get(released).finishAndReleaseAll();
		}
	}

	@Test
	void firstCallConnectsAndIsSentOnceTheServerPrefaceArrives() {
		FakeServer server = new FakeServer();
		Subchannel subchannel = subchannel("tcp://one:7070", server);
		List<Subchannel.State> states = new CopyOnWriteArrayList<>();
		subchannel.addStateListener((changed, state) -> states.add(state));
		CallRouter router = router(subchannel);
		assertThat(subchannel.state()).isEqualTo(Subchannel.State.IDLE);

		ClientCall call = router.start(HELLO, new Object[] { "Ada" }, null, null, null);
		assertThat(subchannel.state()).isEqualTo(Subchannel.State.CONNECTING);
		assertThat(subchannel.pendingCalls()).isOne();
		assertThat(server.requestsSent(0)).isZero();

		server.sendPreface(0);
		assertThat(subchannel.state()).isEqualTo(Subchannel.State.READY);
		assertThat(states).containsExactly(Subchannel.State.CONNECTING, Subchannel.State.READY);
		assertThat(server.requestsSent(0)).isOne();
		assertThat(call).isNotDone();

		router.start(HELLO, new Object[] { "Grace" }, null, null, null);
		assertThat(server.requestsSent(0)).isEqualTo(2);
		assertThat(server.attempts()).isOne();
	}

	@Test
	void failedAttemptFailsCallsAtOnceUntilTheBackoffHasPassed() {
		FakeServer server = new FakeServer();
		server.refuseNext();
		Subchannel subchannel = subchannel("tcp://one:7070", server);
		CallRouter router = router(subchannel);

		ClientCall first = router.start(HELLO, new Object[] { "Ada" }, null, null, null);
		assertFailed(first, RpcStatus.UNAVAILABLE, "Cannot connect to tcp://one:7070");
		assertThat(subchannel.state()).isEqualTo(Subchannel.State.TRANSIENT_FAILURE);

		this.clock.addAndGet(INITIAL_BACKOFF - 1);
		ClientCall early = router.start(HELLO, new Object[] { "Ada" }, null, null, null);
		assertFailed(early, RpcStatus.UNAVAILABLE, "next attempt in");
		assertThat(server.attempts()).isOne();

		this.clock.addAndGet(1);
		ClientCall retried = router.start(HELLO, new Object[] { "Ada" }, null, null, null);
		assertThat(server.attempts()).isEqualTo(2);
		assertThat(subchannel.state()).isEqualTo(Subchannel.State.CONNECTING);
		server.sendPreface(1);
		assertThat(subchannel.state()).isEqualTo(Subchannel.State.READY);
		assertThat(server.requestsSent(1)).isOne();
		assertThat(retried).isNotDone();
	}

	@Test
	void backoffGrowsWithEachFailureAndResetsAfterASuccess() {
		FakeServer server = new FakeServer();
		Subchannel subchannel = subchannel("tcp://one:7070", server);
		CallRouter router = router(subchannel);
		server.refuseNext();
		router.start(HELLO, new Object[] { "Ada" }, null, null, null);
		this.clock.addAndGet(INITIAL_BACKOFF);
		server.refuseNext();
		router.start(HELLO, new Object[] { "Ada" }, null, null, null);
		assertThat(server.attempts()).isEqualTo(2);

		long second = (long) (INITIAL_BACKOFF * ExponentialBackoffPolicy.MULTIPLIER);
		this.clock.addAndGet(second - 1);
		assertFailed(router.start(HELLO, new Object[] { "Ada" }, null, null, null), RpcStatus.UNAVAILABLE,
				"next attempt in");
		this.clock.addAndGet(1);
		router.start(HELLO, new Object[] { "Ada" }, null, null, null);
		server.sendPreface(2);
		assertThat(subchannel.state()).isEqualTo(Subchannel.State.READY);

		server.channel(2).close();
		assertThat(subchannel.state()).isEqualTo(Subchannel.State.IDLE);
		server.refuseNext();
		router.start(HELLO, new Object[] { "Ada" }, null, null, null);
		this.clock.addAndGet(INITIAL_BACKOFF);
		router.start(HELLO, new Object[] { "Ada" }, null, null, null);
		assertThat(server.attempts()).isEqualTo(5);
	}

	@Test
	void lostConnectionFailsItsPendingCallsAndTheNextCallReconnects() {
		FakeServer server = new FakeServer();
		Subchannel subchannel = subchannel("tcp://one:7070", server);
		CallRouter router = router(subchannel);
		ClientCall call = router.start(HELLO, new Object[] { "Ada" }, null, null, null);
		server.sendPreface(0);

		server.channel(0).close();
		assertFailed(call, RpcStatus.UNAVAILABLE, "Connection to tcp://one:7070 closed");
		assertThat(subchannel.state()).isEqualTo(Subchannel.State.IDLE);

		router.start(HELLO, new Object[] { "Grace" }, null, null, null);
		assertThat(server.attempts()).isEqualTo(2);
		server.sendPreface(1);
		assertThat(server.requestsSent(1)).isOne();
	}

	@Test
	void cancelledCallThatWaitsForTheConnectionIsNeverSent() {
		FakeServer server = new FakeServer();
		Subchannel subchannel = subchannel("tcp://one:7070", server);
		CallRouter router = router(subchannel);
		ClientCall call = router.start(HELLO, new Object[] { "Ada" }, null, null, null);
		call.cancel(false);
		assertThat(subchannel.pendingCalls()).isZero();
		server.sendPreface(0);
		assertThat(server.requestsSent(0)).isZero();
	}

	@Test
	void shutdownFailsWaitingCallsRefusesNewOnesAndClosesAConnectionThatArrivesLate() {
		FakeServer server = new FakeServer();
		Subchannel subchannel = subchannel("tcp://one:7070", server);
		CallRouter router = router(subchannel);
		ClientCall waiting = router.start(HELLO, new Object[] { "Ada" }, null, null, null);
		router.close();
		assertThat(subchannel.state()).isEqualTo(Subchannel.State.SHUTDOWN);
		assertFailed(waiting, RpcStatus.UNAVAILABLE, "Client for tcp://one:7070 is closed");
		assertFailed(router.start(HELLO, new Object[] { "Ada" }, null, null, null), RpcStatus.UNAVAILABLE, "is closed");
		assertThat(server.channel(0).isOpen()).isTrue();
		server.sendPreface(0);
		assertThat(server.channel(0).isOpen()).isFalse();
		assertThat(subchannel.state()).isEqualTo(Subchannel.State.SHUTDOWN);
		assertThat(server.requestsSent(0)).isZero();
	}

	@Test
	void callThatCannotConnectIsSentToAnotherInstanceAndTheFailedOneIsSkippedDuringItsBackoff() {
		FakeServer down = new FakeServer();
		FakeServer up = new FakeServer();
		Subchannel first = subchannel("tcp://one:7070", down);
		Subchannel second = subchannel("tcp://two:7070", up);
		CallRouter router = router(first, second);
		down.refuseNext();
		ClientCall call = router.start(HELLO, new Object[] { "Ada" }, null, null, null);
		assertThat(down.attempts()).isOne();
		assertThat(first.state()).isEqualTo(Subchannel.State.TRANSIENT_FAILURE);
		assertThat(call).isNotDone();
		up.sendPreface(0);
		assertThat(second.state()).isEqualTo(Subchannel.State.READY);
		assertThat(up.requestsSent(0)).isOne();

		for (int i = 0; i < 3; i++) {
			router.start(HELLO, new Object[] { "Grace" }, null, null, null);
		}
		assertThat(up.requestsSent(0)).isEqualTo(4);
		assertThat(down.attempts()).isOne();
		assertThat(router.pendingCalls()).isEqualTo(4);
		assertThat(second.outstandingCalls()).isEqualTo(4);
		assertThat(first.outstandingCalls()).isZero();

		this.clock.addAndGet(TimeUnit.SECONDS.toNanos(10));
		assertThat(first.isUsable(this.clock.get())).isTrue();
	}

	@Test
	void callFailsWhenNoOtherInstanceCanTakeIt() {
		FakeServer down = new FakeServer();
		FakeServer alsoDown = new FakeServer();
		Subchannel first = subchannel("tcp://one:7070", down);
		Subchannel second = subchannel("tcp://two:7070", alsoDown);
		CallRouter router = router(first, second);
		down.refuseNext();
		alsoDown.refuseNext();
		assertFailed(router.start(HELLO, new Object[] { "Ada" }, null, null, null), RpcStatus.UNAVAILABLE,
				"tcp://two:7070");
		assertThat(down.attempts()).isOne();
		assertThat(alsoDown.attempts()).isOne();
		// Both wait out their back-off: the next call fails at once, naming one of them.
		assertFailed(router.start(HELLO, new Object[] { "Ada" }, null, null, null), RpcStatus.UNAVAILABLE,
				"next attempt in");
		assertThat(down.attempts() + alsoDown.attempts()).isEqualTo(2);
		assertThat(first.outstandingCalls() + second.outstandingCalls()).isZero();
	}

	@Test
	void instanceWhoseCallsKeepFailingIsEjectedForAWhileThenProbedAgain() {
		FakeServer flaky = new FakeServer();
		FakeServer steady = new FakeServer();
		Subchannel first = subchannel("tcp://one:7070", flaky);
		Subchannel second = subchannel("tcp://two:7070", steady);
		CallRouter router = router(first, second);
		// Five calls sent on one connection that is then lost: five failures in a row.
		List<ClientCall> lost = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			lost.add(router.start(HELLO, new Object[] { "Ada" }, null, null, null));
		}
		flaky.sendPreface(0);
		steady.sendPreface(0);
		assertThat(flaky.requestsSent(0)).isEqualTo(5);
		flaky.channel(0).close();
		assertThat(lost.stream().filter(ClientCall::isCompletedExceptionally)).hasSize(5);
		assertThat(first.isEjected(this.clock.get())).isTrue();
		assertThat(first.ejections()).isOne();

		// Ejected, although idle: every call goes to the other one.
		for (int i = 0; i < 4; i++) {
			router.start(HELLO, new Object[] { "Grace" }, null, null, null);
		}
		assertThat(steady.requestsSent(0)).isEqualTo(9);
		assertThat(flaky.attempts()).isOne();

		// Probed again once the ejection is over.
		this.clock.addAndGet(TimeUnit.SECONDS.toNanos(10));
		assertThat(first.isEjected(this.clock.get())).isFalse();
		for (int i = 0; i < 2; i++) {
			router.start(HELLO, new Object[] { "Grace" }, null, null, null);
		}
		assertThat(flaky.attempts()).isEqualTo(2);
	}

	@Test
	void failuresWhileEjectedNeitherExtendTheEjectionNorCountTowardsTheNextOne() {
		FakeServer flaky = new FakeServer();
		Subchannel only = subchannel("tcp://one:7070", flaky);
		CallRouter router = router(only);
		List<ClientCall> lost = new ArrayList<>();
		for (int i = 0; i < 15; i++) {
			lost.add(router.start(HELLO, new Object[] { "Ada" }, null, null, null));
		}
		flaky.sendPreface(0);
		assertThat(flaky.requestsSent(0)).isEqualTo(15);
		flaky.channel(0).close();
		assertThat(lost).allMatch(ClientCall::isCompletedExceptionally);
		// The first five eject it for 10 s; the ten calls that failed with them change
		// nothing.
		assertThat(only.ejections()).isOne();
		this.clock.addAndGet(TimeUnit.SECONDS.toNanos(10));
		assertThat(only.isEjected(this.clock.get())).isFalse();
	}

	@Test
	void ejectedInstanceTakesCallsWhileNoOtherCan() {
		FakeServer flaky = new FakeServer();
		FakeServer down = new FakeServer();
		Subchannel ejected = subchannel("tcp://one:7070", flaky);
		Subchannel refusing = subchannel("tcp://two:7070", down);
		// The instance a call that finds none usable reports is the first: make it the
		// one
		// in back-off.
		CallRouter router = router(refusing, ejected);
		// Ten calls, five each: the ejected instance loses its connection with its five.
		for (int i = 0; i < 10; i++) {
			router.start(HELLO, new Object[] { "Ada" }, null, null, null);
		}
		flaky.sendPreface(0);
		down.sendPreface(0);
		flaky.channel(0).close();
		assertThat(ejected.isEjected(this.clock.get())).isTrue();
		// The second instance goes away and its next attempt is refused: it waits out its
		// back-off.
		down.channel(0).close();
		down.refuseNext();
		router.start(HELLO, new Object[] { "Grace" }, null, null, null);
		assertThat(refusing.isUsable(this.clock.get())).isFalse();

		// Nothing else is usable, so the ejected instance takes the next call.
		ClientCall call = router.start(HELLO, new Object[] { "Grace" }, null, null, null);
		assertThat(call.isDone()).isFalse();
		assertThat(flaky.attempts()).isEqualTo(2);
	}

	@Test
	void drainedSubchannelTakesNoNewCallsAndClosesAfterItsLastCall() {
		FakeServer leaving = new FakeServer();
		FakeServer staying = new FakeServer();
		Subchannel first = subchannel("tcp://one:7070", leaving);
		Subchannel second = subchannel("tcp://two:7070", staying);
		Balancer balancer = new Balancer("test", Balancer.Policy.ROUND_ROBIN, 1,
				(address) -> address.equals(first.address()) ? first : second, this.clock::get);
		CallRouter router = new CallRouter(balancer, List.of(), 32, "tcp", () -> {
			throw new IllegalStateException("No call waits for addresses here");
		});
		balancer.addresses(0, List.of(first.address(), second.address()));
		ClientCall pending = router.start(HELLO, new Object[] { "Ada" }, null, null, null);
		leaving.sendPreface(0);
		assertThat(leaving.requestsSent(0)).isOne();

		balancer.addresses(0, List.of(second.address()));
		assertThat(first.isDraining()).isTrue();
		assertThat(leaving.channel(0).isOpen()).isTrue();
		router.start(HELLO, new Object[] { "Grace" }, null, null, null);
		staying.sendPreface(0);
		assertThat(staying.requestsSent(0)).isOne();

		// The last call on the drained connection ends: the connection closes.
		pending.cancel(false);
		leaving.channel(0).runPendingTasks();
		leaving.channel(0).runPendingTasks();
		assertThat(leaving.channel(0).isOpen()).isFalse();
		assertThat(first.state()).isEqualTo(Subchannel.State.SHUTDOWN);
		assertThat(balancer.subchannels()).containsExactly(second);
	}

	@Test
	void addressTheChannelCannotCallIsLeftOutAndTheOthersStay() {
		FakeServer server = new FakeServer();
		Subchannel good = subchannel("tcp://one:7070", server);
		Balancer balancer = new Balancer("test", Balancer.Policy.ROUND_ROBIN, 1, (address) -> {
			if (address.equals(good.address())) {
				return good;
			}
			throw new IllegalArgumentException("A TLS context is configured for " + address);
		}, this.clock::get);
		CallRouter router = new CallRouter(balancer, List.of(), 32, "tcp", () -> {
			throw new IllegalStateException("No call waits for addresses here");
		});
		balancer.addresses(0, List.of(RpcAddress.parse("ws://two:8080/easyrpc"), good.address()));
		assertThat(balancer.subchannels()).containsExactly(good);
		router.start(HELLO, new Object[] { "Ada" }, null, null, null);
		server.sendPreface(0);
		assertThat(server.requestsSent(0)).isOne();
	}

	private void assertFailed(ClientCall call, RpcStatus status, String message) {
		assertThat(call).isCompletedExceptionally();
		assertThatThrownBy(call::join).isInstanceOf(CompletionException.class)
			.cause()
			.isInstanceOfSatisfying(RpcException.class, (ex) -> {
				assertThat(ex.getStatus()).isEqualTo(status);
				assertThat(ex.getMessage()).contains(message);
			});
	}

	private Subchannel subchannel(String address, Subchannel.Connector connector) {
		Subchannel.ConnectionSettings settings = new Subchannel.ConnectionSettings(CODEC, ProcessorChain.of(List.of()),
				1 << 20, (int) Duration.ofSeconds(3).toMillis(), 0, null);
		return new Subchannel(RpcAddress.parse(address), connector, settings,
				new ExponentialBackoffPolicy(INITIAL_BACKOFF, TimeUnit.SECONDS.toNanos(5), () -> 0.5), this.clock::get);
	}

	private CallRouter router(Subchannel... subchannels) {
		Map<RpcAddress, Subchannel> byAddress = new LinkedHashMap<>();
		for (Subchannel subchannel : subchannels) {
			byAddress.put(subchannel.address(), subchannel);
		}
		Balancer balancer = new Balancer("test", Balancer.Policy.ROUND_ROBIN, 1, byAddress::get, this.clock::get);
		CallRouter router = new CallRouter(balancer, List.of(), 32, "tcp", () -> {
			throw new IllegalStateException("No call waits for addresses here");
		});
		balancer.addresses(0, List.copyOf(byAddress.keySet()));
		return router;
	}

	/**
	 * Stands in for the server side of the transport: each attempt gets an embedded
	 * channel, or a refused connect.
	 */
	private final class FakeServer implements Subchannel.Connector {

		private final List<EmbeddedChannel> attempts = new ArrayList<>();

		private final AtomicInteger refusals = new AtomicInteger();

		private final List<Integer> framesRead = new ArrayList<>();

		void refuseNext() {
			this.refusals.incrementAndGet();
		}

		@Override
		public ChannelFuture connect(ClientConnection handler) {
			EmbeddedChannel channel = new EmbeddedChannel(handler);
			SubchannelTests.this.channels.add(channel);
			this.attempts.add(channel);
			this.framesRead.add(0);
			if (this.refusals.get() > 0) {
				this.refusals.decrementAndGet();
				channel.close();
				return channel.newFailedFuture(new ConnectException("Connection refused"));
			}
			return channel.newSucceededFuture();
		}

		int attempts() {
			return this.attempts.size();
		}

		EmbeddedChannel channel(int attempt) {
			return this.attempts.get(attempt);
		}

		void sendPreface(int attempt) {
			channel(attempt).writeInbound(new Preface(Preface.CURRENT_VERSION, 0, 1 << 20));
		}

		// The frames the client wrote on an attempt after its preface.
		int requestsSent(int attempt) {
			EmbeddedChannel channel = channel(attempt);
			channel.runPendingTasks();
			int count = this.framesRead.get(attempt);
			for (Object written = channel.readOutbound(); written != null; written = channel.readOutbound()) {
				boolean preface = written instanceof Preface;
				ReferenceCountUtil.release(written);
				if (!preface) {
					count++;
				}
			}
			this.framesRead.set(attempt, count);
			return count;
		}

	}

}

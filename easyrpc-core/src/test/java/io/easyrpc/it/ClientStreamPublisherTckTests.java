package io.easyrpc.it;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Flow;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import ch.qos.logback.classic.Level;
import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.server.RpcServer;
import io.easyrpc.transport.RpcAddress;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;

/**
 * The Reactive Streams TCK (TestNG, run on the JUnit Platform) against the
 * {@link Flow.Publisher} a client proxy returns for a server stream: each publisher is a
 * call to an in-process server that streams the requested number of items. Nothing is
 * skipped here; the TCK itself skips its {@code untested_} rules and the optional ones
 * this publisher does not take up (several subscribers, a particular message for a
 * negative request).
 */
public class ClientStreamPublisherTckTests extends FlowPublisherVerification<Long> {

	private static final long TIMEOUT_MILLIS = 2_000;

	private RpcFixture rpc;

	// The TCK's failed publisher is a method that throws: the server logs it.
	private final ExpectedLogs logs = new ExpectedLogs().expect(RpcServer.class, Level.WARN,
			"easyrpc method NumbersService.fail threw an unexpected exception");

	private Numbers numbers;

	public ClientStreamPublisherTckTests() {
		super(new TestEnvironment(TIMEOUT_MILLIS, 200), TIMEOUT_MILLIS);
	}

	@BeforeClass
	public void startServer() {
		this.logs.start();
		this.rpc = new RpcFixture();
		RpcAddress address = RpcAddress.inProcess("tck-" + UUID.randomUUID());
		this.rpc.server(address, (builder) -> {
		}, RpcFixture.definitions(new NumbersService()));
		RpcChannel channel = this.rpc.channel(address, (builder) -> {
		});
		this.numbers = this.rpc
			.client(new ClientDefinition(Numbers.class, "NumbersService", null, Duration.ofMinutes(1), null), channel);
	}

	@AfterClass
	public void stopServer() {
		this.rpc.close();
		this.logs.finish(true);
	}

	@Override
	public Flow.Publisher<Long> createFlowPublisher(long elements) {
		return this.numbers.count(elements);
	}

	@Override
	public Flow.Publisher<Long> createFailedFlowPublisher() {
		return this.numbers.fail();
	}

	/**
	 * The service as the client sees it.
	 */
	public interface Numbers {

		Flow.Publisher<Long> count(long elements);

		Flow.Publisher<Long> fail();

	}

	/**
	 * Streams the numbers from 0, lazily, so that a stream of {@code Long.MAX_VALUE}
	 * items costs what the subscriber asks for.
	 */
	public static final class NumbersService {

		public Stream<Long> count(long elements) {
			return LongStream.range(0, elements).boxed();
		}

		public Stream<Long> fail() {
			throw new IllegalStateException("no numbers today");
		}

	}

}

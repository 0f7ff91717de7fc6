package io.easyrpc.it;

import java.util.concurrent.Flow;

import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.testng.annotations.AfterClass;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.BeforeClass;

/**
 * The Reactive Streams TCK against the publisher a service method gets for a client
 * stream: each publisher is the input of a call whose client streams the requested number
 * of items over an in-process connection. Nothing is skipped here; the TCK itself skips
 * its {@code untested_} rules and the optional ones this publisher does not take up
 * (several subscribers).
 */
public class ServerInputTckTests extends FlowPublisherVerification<Object> {

	private static final long TIMEOUT_MILLIS = 2_000;

	private FlowTckFixture fixture;

	public ServerInputTckTests() {
		super(new TestEnvironment(TIMEOUT_MILLIS, 200), TIMEOUT_MILLIS);
	}

	@BeforeClass
	public void startServer() {
		this.fixture = new FlowTckFixture();
	}

	@AfterMethod
	public void endCalls() {
		this.fixture.endCalls();
	}

	@AfterClass
	public void stopServer() {
		this.fixture.close();
	}

	@Override
	public Flow.Publisher<Object> createFlowPublisher(long elements) {
		return this.fixture.serverInput(elements);
	}

	@Override
	public Flow.Publisher<Object> createFailedFlowPublisher() {
		return this.fixture.failedServerInput();
	}

}

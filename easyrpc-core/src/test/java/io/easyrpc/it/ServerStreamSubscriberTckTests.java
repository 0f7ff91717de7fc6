package io.easyrpc.it;

import java.util.concurrent.Flow;

import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowSubscriberBlackboxVerification;
import org.testng.annotations.AfterClass;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.BeforeClass;

/**
 * The Reactive Streams TCK against the subscriber that a server stream subscribes to the
 * {@link Flow.Publisher} its method returned and that writes the items to the wire. Each
 * subscriber belongs to a call over an in-process connection whose client reads
 * everything, so that the subscriber has credit to request with.
 */
public class ServerStreamSubscriberTckTests extends FlowSubscriberBlackboxVerification<Object> {

	private FlowTckFixture fixture;

	public ServerStreamSubscriberTckTests() {
		super(new TestEnvironment(2_000, 200));
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
	public Flow.Subscriber<Object> createFlowSubscriber() {
		return this.fixture.serverStreamSubscriber();
	}

	@Override
	public Object createElement(int element) {
		return (long) element;
	}

}

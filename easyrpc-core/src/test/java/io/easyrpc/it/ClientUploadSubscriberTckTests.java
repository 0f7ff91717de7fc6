package io.easyrpc.it;

import java.util.concurrent.Flow;

import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowSubscriberBlackboxVerification;
import org.testng.annotations.AfterClass;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.BeforeClass;

/**
 * The Reactive Streams TCK against the subscriber that a client subscribes to the
 * {@link Flow.Publisher} a caller passes as a stream argument and that uploads the items.
 * Each subscriber belongs to a call over an in-process connection whose service reads
 * everything, so that the subscriber has the server's credit to request with.
 */
public class ClientUploadSubscriberTckTests extends FlowSubscriberBlackboxVerification<Object> {

	private FlowTckFixture fixture;

	public ClientUploadSubscriberTckTests() {
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
		return this.fixture.uploadSubscriber();
	}

	@Override
	public Object createElement(int element) {
		return (long) element;
	}

}

package io.easyrpc.it;

import java.util.concurrent.Flow;

import ch.qos.logback.classic.Level;
import io.easyrpc.server.RpcServer;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowSubscriberBlackboxVerification;
import org.testng.annotations.AfterClass;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.BeforeClass;

/**
 * The Reactive Streams TCK against a subscriber of the engine that belongs to a call over
 * an in-process connection, taken from a {@link FlowTckFixture}; the TCK's items are
 * numbers, which the call sends on.
 */
abstract class FlowSubscriberTck extends FlowSubscriberBlackboxVerification<Object> {

	// The TCK hands the subscriber errors of its own ("Boom!"): the server logs them as
	// exceptions the method did not declare, which is expected here.
	private final ExpectedLogs logs = new ExpectedLogs().tolerate(RpcServer.class, Level.WARN,
			"easyrpc method TckService.capture threw an unexpected exception");

	private FlowTckFixture fixture;

	FlowSubscriberTck() {
		super(new TestEnvironment(2_000, 200));
	}

	/**
	 * Start a call and return the engine's subscriber it created.
	 * @param fixture the server and client
	 * @return the subscriber, not yet subscribed
	 */
	abstract Flow.Subscriber<Object> subscriber(FlowTckFixture fixture);

	@BeforeClass
	public void startServer() {
		this.logs.start();
		this.fixture = new FlowTckFixture();
	}

	@AfterMethod
	public void endCalls() {
		this.fixture.endCalls();
	}

	@AfterClass
	public void stopServer() {
		this.fixture.close();
		this.logs.finish(true);
	}

	@Override
	public Flow.Subscriber<Object> createFlowSubscriber() {
		return subscriber(this.fixture);
	}

	@Override
	public Object createElement(int element) {
		return (long) element;
	}

}

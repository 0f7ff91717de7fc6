package io.easyrpc.it;

import java.util.concurrent.Flow;

/**
 * The Reactive Streams TCK against the subscriber that a server stream subscribes to the
 * {@link Flow.Publisher} its method returned and that writes the items to the wire. The
 * client of each call reads everything, so that the subscriber has credit to request
 * with.
 */
public class ServerStreamSubscriberTckTests extends FlowSubscriberTck {

	@Override
	Flow.Subscriber<Object> subscriber(FlowTckFixture fixture) {
		return fixture.serverStreamSubscriber();
	}

}

package io.easyrpc.it;

import java.util.concurrent.Flow;

/**
 * The Reactive Streams TCK against the subscriber that a client subscribes to the
 * {@link Flow.Publisher} a caller passes as a stream argument and that uploads the items.
 * The service of each call reads everything, so that the subscriber has the server's
 * credit to request with.
 */
public class ClientUploadSubscriberTckTests extends FlowSubscriberTck {

	@Override
	Flow.Subscriber<Object> subscriber(FlowTckFixture fixture) {
		return fixture.uploadSubscriber();
	}

}

package io.easyrpc.protocol;

import java.lang.reflect.Method;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link CallStyle#of(Method)}: streaming return types and the item type they
 * carry, and the streaming parameters this version refuses.
 */
class CallStyleResolutionTests {

	@Test
	void streamingReturnTypesAreServerStreamsOfTheirItemType() throws Exception {
		assertStream("flux", CallStyle.FLUX);
		assertStream("publisher", CallStyle.PUBLISHER);
		assertStream("stream", CallStyle.STREAM);
		assertStream("iterator", CallStyle.ITERATOR);
		assertThat(CallStyle.of(Streams.class.getMethod("unary")).isStreaming()).isFalse();
	}

	private static void assertStream(String name, CallStyle expected) throws Exception {
		Method method = Streams.class.getMethod(name);
		CallStyle style = CallStyle.of(method);
		assertThat(style).isEqualTo(expected);
		assertThat(style.isStreaming()).isTrue();
		assertThat(style.valueType(method).getTypeName()).isEqualTo("java.util.List<java.lang.String>");
	}

	@Test
	void publisherParametersAreRefusedUntilClientStreamsAreSupported() throws Exception {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> CallStyle.of(Streams.class.getMethod("upload", Flux.class)))
			.withMessageContaining("client streams and channels are not supported");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> CallStyle.of(Streams.class.getMethod("channel", Flow.Publisher.class)))
			.withMessageContaining("takes a Publisher parameter");
	}

	@Test
	void reactiveStreamsPublisherResultIsRefusedWithAHint() throws Exception {
		assertThatIllegalArgumentException().isThrownBy(() -> CallStyle.of(Streams.class.getMethod("reactiveStreams")))
			.withMessageContaining("declare Flux, Flow.Publisher, Stream or Iterator");
	}

	interface Streams {

		Flux<List<String>> flux();

		Flow.Publisher<List<String>> publisher();

		Stream<List<String>> stream();

		Iterator<List<String>> iterator();

		String unary();

		int upload(Flux<String> items);

		Flow.Publisher<String> channel(Flow.Publisher<String> items);

		org.reactivestreams.Publisher<String> reactiveStreams();

	}

}

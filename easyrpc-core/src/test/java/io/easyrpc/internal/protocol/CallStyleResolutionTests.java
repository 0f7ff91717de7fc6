package io.easyrpc.internal.protocol;

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
	void lastPublisherParameterMakesAClientStreamOrChannel() throws Exception {
		Method upload = Streams.class.getMethod("upload", String.class, Flux.class);
		assertThat(CallStyle.of(upload)).isEqualTo(CallStyle.BLOCKING);
		assertThat(CallStyle.streamParameter(upload)).isEqualTo(1);
		assertThat(CallStyle.streamItemType(upload, 1)).isEqualTo(String.class);
		Method channel = Streams.class.getMethod("channel", Flow.Publisher.class);
		assertThat(CallStyle.of(channel)).isEqualTo(CallStyle.PUBLISHER);
		assertThat(CallStyle.streamParameter(channel)).isZero();
		assertThat(CallStyle.streamParameter(Streams.class.getMethod("unary"))).isEqualTo(-1);
	}

	@Test
	void misplacedOrRepeatedOrReactiveStreamsParametersAreRefused() throws Exception {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> CallStyle.of(Streams.class.getMethod("streamFirst", Flux.class, String.class)))
			.withMessageContaining("must be the last one");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> CallStyle.of(Streams.class.getMethod("twoStreams", Flux.class, Flux.class)))
			.withMessageContaining("more than one stream parameter");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> CallStyle
				.of(Streams.class.getMethod("reactiveStreamsParameter", org.reactivestreams.Publisher.class)))
			.withMessageContaining("declare Flux or Flow.Publisher");
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

		int upload(String name, Flux<String> items);

		int streamFirst(Flux<String> items, String name);

		int twoStreams(Flux<String> first, Flux<String> second);

		int reactiveStreamsParameter(org.reactivestreams.Publisher<String> items);

		Flow.Publisher<String> channel(Flow.Publisher<String> items);

		org.reactivestreams.Publisher<String> reactiveStreams();

	}

}

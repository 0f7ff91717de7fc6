package io.easyrpc.autoconfigure.observation;

import java.util.Map;

import io.easyrpc.middleware.CallInfo;
import io.micrometer.common.KeyValue;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stream item counts become high-cardinality key values of streaming calls only.
 */
class StreamMessageKeyValuesTests {

	private static final CallInfo STREAM = new CallInfo("Numbers.flux", "/127.0.0.1:5000", Map.of(), false, true);

	private static final CallInfo UNARY = new CallInfo("Numbers.echo", "/127.0.0.1:5000", Map.of(), false);

	@Test
	void serverStreamCarriesItsCounts() {
		EasyRpcServerContext context = new EasyRpcServerContext(STREAM);
		new MicrometerCallObservation(io.micrometer.observation.Observation.NOOP, context).messages(5, 0);
		assertThat(new DefaultEasyRpcServerObservationConvention().getHighCardinalityKeyValues(context))
			.contains(KeyValue.of("rpc.messages.sent", "5"), KeyValue.of("rpc.messages.received", "0"));
	}

	@Test
	void clientStreamCarriesItsCounts() {
		EasyRpcClientContext context = new EasyRpcClientContext(STREAM);
		new MicrometerCallObservation(io.micrometer.observation.Observation.NOOP, context).messages(0, 5);
		assertThat(new DefaultEasyRpcClientObservationConvention().getHighCardinalityKeyValues(context))
			.contains(KeyValue.of("rpc.messages.sent", "0"), KeyValue.of("rpc.messages.received", "5"));
	}

	@Test
	void unaryCallHasNoCounts() {
		EasyRpcServerContext context = new EasyRpcServerContext(UNARY);
		assertThat(new DefaultEasyRpcServerObservationConvention().getHighCardinalityKeyValues(context))
			.extracting(KeyValue::getKey)
			.containsExactly("network.peer.address");
	}

}

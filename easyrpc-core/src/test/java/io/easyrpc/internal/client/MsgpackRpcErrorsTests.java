package io.easyrpc.internal.client;

import java.util.Map;

import io.easyrpc.RpcStatus;
import org.junit.jupiter.api.Test;
import org.msgpack.value.Value;
import org.msgpack.value.ValueFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MsgpackRpcErrors}.
 */
class MsgpackRpcErrorsTests {

	@Test
	void stringIsTheMessage() {
		assertThat(MsgpackRpcErrors.read(ValueFactory.newString("boom")))
			.isEqualTo(new MsgpackRpcErrors.Error(RpcStatus.APPLICATION_ERROR, "boom"));
	}

	@Test
	void mapWithAMessageKeepsAStatusItNames() {
		Value easyrpc = ValueFactory.newMap(Map.of(ValueFactory.newString("status"),
				ValueFactory.newString("NOT_FOUND"), ValueFactory.newString("code"), ValueFactory.newInteger(5),
				ValueFactory.newString("message"), ValueFactory.newString("no such pen")));
		assertThat(MsgpackRpcErrors.read(easyrpc))
			.isEqualTo(new MsgpackRpcErrors.Error(RpcStatus.NOT_FOUND, "no such pen"));
		Value other = ValueFactory.newMap(Map.of(ValueFactory.newString("status"), ValueFactory.newString("OK"),
				ValueFactory.newString("message"), ValueFactory.newString("odd")));
		assertThat(MsgpackRpcErrors.read(other))
			.isEqualTo(new MsgpackRpcErrors.Error(RpcStatus.APPLICATION_ERROR, "odd"));
	}

	@Test
	void arrayGivesItsStrings() {
		assertThat(MsgpackRpcErrors.read(ValueFactory.newArray(ValueFactory.newInteger(0),
				ValueFactory.newString("Vim:E15: Invalid expression"))))
			.isEqualTo(new MsgpackRpcErrors.Error(RpcStatus.APPLICATION_ERROR, "Vim:E15: Invalid expression"));
		assertThat(MsgpackRpcErrors
			.read(ValueFactory.newArray(ValueFactory.newString("Timeout"), ValueFactory.newString("after 5 s"))))
			.isEqualTo(new MsgpackRpcErrors.Error(RpcStatus.APPLICATION_ERROR, "Timeout: after 5 s"));
	}

	@Test
	void anythingElseIsWrittenAsJson() {
		assertThat(MsgpackRpcErrors.read(ValueFactory.newInteger(42)))
			.isEqualTo(new MsgpackRpcErrors.Error(RpcStatus.APPLICATION_ERROR, "42"));
		assertThat(MsgpackRpcErrors
			.read(ValueFactory.newMap(Map.of(ValueFactory.newString("code"), ValueFactory.newInteger(3)))))
			.isEqualTo(new MsgpackRpcErrors.Error(RpcStatus.APPLICATION_ERROR, "{\"code\":3}"));
	}

}

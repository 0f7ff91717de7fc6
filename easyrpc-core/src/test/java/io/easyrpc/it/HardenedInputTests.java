package io.easyrpc.it;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.internal.protocol.Frame;
import io.easyrpc.internal.protocol.FrameType;
import io.easyrpc.internal.protocol.Metadata;
import io.easyrpc.internal.protocol.PayloadWriter;
import io.easyrpc.internal.server.ServerConnection;
import io.easyrpc.server.RpcServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Hostile or sloppy input over real sockets: size headers, clamped timeouts, strict
 * argument decoding, and what the server logs about it.
 */
@ExtendWith(LeakDetectionExtension.class)
class HardenedInputTests {

	private final RpcFixture rpc = new RpcFixture();

	private final Logger serverLog = (Logger) LoggerFactory.getLogger(ServerConnection.class);

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	@BeforeEach
	void captureLogs() {
		this.appender.start();
		this.serverLog.addAppender(this.appender);
	}

	@AfterEach
	void close() {
		this.serverLog.detachAppender(this.appender);
		this.rpc.close();
	}

	@Test
	void unknownMethodWithANewlineIsLoggedEscapedAndOnlyOncePerInterval() throws Exception {
		RpcServer server = this.rpc.tcpServer(new CalculatorService());
		try (RawConnection raw = new RawConnection(server.port())) {
			raw.sendPreface(1024 * 1024);
			raw.readPreface();
			for (int i = 0; i < 200; i++) {
				raw.sendNotification("No.such\nWARN forged line\u001b[31m", (packer) -> packer.packArrayHeader(0));
			}
			// Frames of a connection are handled in order: once the pong is back, every
			// notification has been dropped.
			raw.sendPing(7);
			assertThat(raw.readFrame()).isEqualTo(new Frame.Pong(7));
		}
		List<String> lines = this.appender.list.stream()
			.map(ILoggingEvent::getFormattedMessage)
			.filter((line) -> line.contains("unknown method"))
			.toList();
		// One line per 10 s interval: two only if the 200 frames took longer than that.
		assertThat(lines).hasSizeBetween(1, 2);
		assertThat(lines.get(0)).contains("'No.such\\nWARN forged line\\u001b[31m'").doesNotContain("\n", "\u001b");
	}

	@Test
	void sizeHeaderBeyondTheFrameClosesTheConnectionWithAMessageNamingIt() throws Exception {
		RpcServer server = this.rpc.tcpServer(new CalculatorService());
		try (RawConnection raw = new RawConnection(server.port())) {
			raw.sendPreface(1024 * 1024);
			raw.readPreface();
			MessageBufferPacker packer = MessagePack.newDefaultBufferPacker();
			packer.packArrayHeader(5);
			packer.packInt(FrameType.REQUEST.code());
			packer.packInt(1);
			packer.close();
			ByteBuf body = Unpooled.buffer()
				.writeBytes(packer.toByteArray())
				.writeByte(0xdb)
				.writeInt(0xffffffff)
				.writeBytes(new byte[] { 'a', 'b', 'c' });
			raw.send(body);
			assertThat(raw.readFrame()).isInstanceOfSatisfying(Frame.GoAway.class, (goAway) -> {
				assertThat(goAway.statusCode()).isEqualTo(RpcStatus.INVALID_ARGUMENT.code());
				assertThat(goAway.message()).contains("str32 header claims 4294967295 bytes, 3 remain");
			});
			assertThat(raw.awaitClosedByServer()).isTrue();
		}
	}

	@Test
	void aHugeRelativeTimeoutIsClampedOnTheServer() throws Exception {
		RpcServer server = this.rpc.tcpServer(new CalculatorService());
		try (RawConnection raw = new RawConnection(server.port())) {
			raw.sendPreface(1024 * 1024);
			raw.readPreface();
			Metadata metadata = new Metadata(9_300_000_000_000L, null, null, null);
			raw.sendRequest(1, "Calculator.add", metadata, arguments((packer) -> {
				packer.packLong(1);
				packer.packLong(2);
			}));
			assertThat(raw.readFrame()).isInstanceOf(Frame.Response.class);
		}
	}

	@Test
	void aHugeClientTimeoutIsClamped() {
		RpcServer server = this.rpc.tcpServer(new CalculatorService());
		RpcChannel channel = this.rpc.channel(server);
		for (Duration timeout : List.of(Duration.ofMillis(9_300_000_000_000L), Duration.ofSeconds(Long.MAX_VALUE))) {
			Calculator calculator = this.rpc.client(ClientDefinition.of(Calculator.class, timeout), channel);
			assertThat(calculator.add(1, 2)).isEqualTo(3);
		}
	}

	@Test
	void bytesAfterTheArgumentsAreRefused() throws Exception {
		assertThat(call((packer) -> {
			packer.packArrayHeader(2);
			packer.packLong(1);
			packer.packLong(2);
			packer.packNil();
		})).satisfies((error) -> {
			assertThat(error.statusCode()).isEqualTo(RpcStatus.INVALID_ARGUMENT.code());
			assertThat(error.message()).contains("1 bytes follow the arguments");
		});
	}

	@Test
	void aFractionalNumberForALongIsRefusedNamingTheParameter() throws Exception {
		assertThat(call((packer) -> {
			packer.packArrayHeader(2);
			packer.packDouble(1.5);
			packer.packLong(2);
		})).satisfies((error) -> {
			assertThat(error.statusCode()).isEqualTo(RpcStatus.INVALID_ARGUMENT.code());
			assertThat(error.message()).contains("argument 'a'").contains("MessagePack FLOAT as long");
		});
	}

	@Test
	void invalidUtf8InAStringArgumentIsRefused() throws Exception {
		Frame.Error error = call("Calculator.echo", (packer) -> {
			packer.packArrayHeader(1);
			packer.packRawStringHeader(2);
			packer.writePayload(new byte[] { (byte) 0xc3, '(' });
		});
		assertThat(error.statusCode()).isEqualTo(RpcStatus.INVALID_ARGUMENT.code());
		assertThat(error.message()).contains("argument 'text'").contains("not valid UTF-8");
	}

	@Test
	void errorsNameTheMessagePackTypeOnTheWire() throws Exception {
		Frame.Error error = call((packer) -> {
			packer.packArrayHeader(2);
			packer.packMapHeader(1);
			packer.packString("k");
			packer.packInt(1);
			packer.packLong(2);
		});
		assertThat(error.message()).contains("argument 'a'").contains("Cannot decode MessagePack MAP as long");
	}

	@Test
	void anArgumentWithoutPropertiesFailsOnTheClient() {
		RpcServer server = this.rpc.tcpServer(new CalculatorService());
		Calculator calculator = this.rpc.client(Calculator.class, this.rpc.channel(server));
		assertThatExceptionOfType(RuntimeException.class).isThrownBy(() -> calculator.describe(new Opaque(42)))
			.satisfies((ex) -> assertThat(messages(ex)).contains("no properties"));
	}

	private static String messages(Throwable ex) {
		StringBuilder all = new StringBuilder();
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			all.append(cause.getMessage()).append('\n');
		}
		return all.toString();
	}

	private Frame.Error call(PayloadWriter payload) throws IOException {
		return call("Calculator.add", payload);
	}

	private Frame.Error call(String method, PayloadWriter payload) throws IOException {
		RpcServer server = this.rpc.tcpServer(new CalculatorService());
		try (RawConnection raw = new RawConnection(server.port())) {
			raw.sendPreface(1024 * 1024);
			raw.readPreface();
			raw.sendRequest(1, method, Metadata.EMPTY, payload);
			Frame frame = raw.readFrame();
			assertThat(frame).isInstanceOf(Frame.Error.class);
			return (Frame.Error) frame;
		}
	}

	private static PayloadWriter arguments(PayloadWriter values) {
		return (packer) -> {
			packer.packArrayHeader(2);
			values.writeTo(packer);
		};
	}

	public interface Calculator {

		long add(long a, long b);

		String echo(String text);

		String describe(Object value);

	}

	static class CalculatorService implements Calculator {

		@Override
		public long add(long a, long b) {
			return a + b;
		}

		@Override
		public String echo(String text) {
			return text;
		}

		@Override
		public String describe(Object value) {
			return String.valueOf(value);
		}

	}

	/**
	 * A value with no property Jackson can see.
	 */
	static final class Opaque {

		private final int secret;

		Opaque(int secret) {
			this.secret = secret;
		}

		@Override
		public String toString() {
			return "Opaque " + this.secret;
		}

	}

}

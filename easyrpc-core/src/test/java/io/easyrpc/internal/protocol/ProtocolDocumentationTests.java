package io.easyrpc.internal.protocol;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.easyrpc.RpcStatus;
import io.easyrpc.codec.CodecFormat;
import io.easyrpc.codec.JsonObjectCodec;
import io.easyrpc.codec.ValueType;
import io.easyrpc.internal.transport.StreamFraming;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.Value;
import org.msgpack.value.ValueFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Keeps the worked examples of {@code docs/protocol.md} honest: every hex listing there
 * must be exactly what the codec writes, and must decode back to the call it describes.
 * The listings are fenced blocks tagged {@code hex example=<name>}; on each line, the
 * bytes come before the {@code |} and the explanation after it.
 */
class ProtocolDocumentationTests {

	private static final Path DOCUMENT = Path.of("../docs/protocol.md");

	private static final Pattern EXAMPLE_START = Pattern.compile("^```hex example=(\\S+)\\s*$");

	private static final Pattern HEX_BYTE = Pattern.compile("[0-9a-f]{2}");

	private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

	private static final ByteBufAllocator ALLOCATOR = PooledByteBufAllocator.DEFAULT;

	private static Map<String, byte[]> examples;

	@BeforeAll
	static void readExamples() throws IOException {
		examples = parseExamples(Files.readAllLines(DOCUMENT, StandardCharsets.UTF_8));
	}

	@Test
	void documentContainsExactlyTheExamplesCheckedHere() {
		assertThat(examples).containsOnlyKeys("preface", "request", "response", "error", "cancel", "ping", "pong",
				"goaway", "notification", "preface-auth", "auth-challenge", "auth-response", "auth-ok",
				"stream-request", "request-n", "next", "complete", "client-stream-request", "client-stream-request-n",
				"client-stream-next", "client-stream-complete", "preface-json", "request-json", "response-json");
	}

	@Test
	void prefaceExampleIsWhatPrefaceWrites() {
		ByteBuf preface = Unpooled.buffer(Preface.LENGTH);
		new Preface(Preface.CURRENT_VERSION, 0, 8 * 1024 * 1024).writeTo(preface);
		assertBytesMatchExample("preface", preface);
		ByteBuf documented = Unpooled.wrappedBuffer(example("preface"));
		assertThat(Preface.readFrom(documented)).isEqualTo(new Preface(1, 0, 8388608));
		assertThat(documented.isReadable()).isFalse();
	}

	@Test
	void jsonExamplesAreWhatThePrefaceAndTheJsonCodecWrite() throws IOException {
		ByteBuf preface = Unpooled.buffer(Preface.LENGTH);
		new Preface(Preface.CURRENT_VERSION, Preface.codecFlags(CodecFormat.JSON), 8 * 1024 * 1024).writeTo(preface);
		assertBytesMatchExample("preface-json", preface);
		assertThat(Preface.readFrom(Unpooled.wrappedBuffer(example("preface-json"))).codec())
			.isEqualTo(CodecFormat.JSON);
		JsonObjectCodec json = JsonObjectCodec.createDefault();
		ValueType string = json.valueType(String.class);
		ByteBuf request = FrameCodec.encodeRequest(ALLOCATOR, 1, "Greeter.hello", Metadata.EMPTY, (packer) -> {
			packer.packArrayHeader(1);
			json.write(packer, "Ada", string);
		});
		assertMatchesExample("request-json", request);
		decodeExample("request-json", Frame.Request.class, (frame) -> {
			assertThat(frame.method()).isEqualTo("Greeter.hello");
			assertThat(unpack(frame.payload())).isEqualTo(ValueFactory.newArray(ValueFactory.newString("\"Ada\"")));
		});
		ByteBuf response = FrameCodec.encodeResponse(ALLOCATOR, 1,
				(packer) -> json.write(packer, "Hello, Ada", string));
		assertMatchesExample("response-json", response);
		decodeExample("response-json", Frame.Response.class,
				(frame) -> assertThat(json.decode(io.netty.buffer.ByteBufUtil.getBytes(frame.payload()), string))
					.isEqualTo("Hello, Ada"));
	}

	@Test
	void requestExampleIsWhatTheCodecWrites() throws IOException {
		ByteBuf request = FrameCodec.encodeRequest(ALLOCATOR, 1, "Greeter.hello", new Metadata(300, null, null, null),
				(packer) -> {
					packer.packArrayHeader(1);
					packer.packString("Ada");
				});
		assertMatchesExample("request", request);
		decodeExample("request", Frame.Request.class, (frame) -> {
			assertThat(frame.callId()).isEqualTo(1);
			assertThat(frame.method()).isEqualTo("Greeter.hello");
			assertThat(frame.metadata()).isEqualTo(new Metadata(300, null, null, null));
			assertThat(unpack(frame.payload())).isEqualTo(ValueFactory.newArray(ValueFactory.newString("Ada")));
		});
	}

	@Test
	void responseExampleIsWhatTheCodecWrites() throws IOException {
		ByteBuf response = FrameCodec.encodeResponse(ALLOCATOR, 1, (packer) -> packer.packString("Hello, Ada"));
		assertMatchesExample("response", response);
		decodeExample("response", Frame.Response.class, (frame) -> {
			assertThat(frame.callId()).isEqualTo(1);
			assertThat(unpack(frame.payload())).isEqualTo(ValueFactory.newString("Hello, Ada"));
		});
	}

	@Test
	void errorExampleIsWhatTheCodecWrites() {
		ByteBuf error = FrameCodec.encodeError(ALLOCATOR, 2, RpcStatus.NOT_FOUND, "No method 'Greeter.bye'", null,
				null);
		assertMatchesExample("error", error);
		decodeExample("error", Frame.Error.class, (frame) -> assertThat(frame)
			.isEqualTo(new Frame.Error(2, RpcStatus.NOT_FOUND.code(), "No method 'Greeter.bye'", null, null)));
	}

	@Test
	void cancelExampleIsWhatTheCodecWrites() {
		assertMatchesExample("cancel", FrameCodec.encodeCancel(ALLOCATOR, 1));
		decodeExample("cancel", Frame.Cancel.class, (frame) -> assertThat(frame).isEqualTo(new Frame.Cancel(1)));
	}

	@Test
	void streamExamplesAreWhatTheCodecWrites() throws IOException {
		ByteBuf request = FrameCodec.encodeRequest(ALLOCATOR, 1, "Ticker.ticks", Metadata.EMPTY, (packer) -> {
			packer.packArrayHeader(1);
			packer.packInt(3);
		});
		assertMatchesExample("stream-request", request);
		decodeExample("stream-request", Frame.Request.class, (frame) -> {
			assertThat(frame.method()).isEqualTo("Ticker.ticks");
			assertThat(frame.metadata()).isEqualTo(Metadata.EMPTY);
			assertThat(unpack(frame.payload())).isEqualTo(ValueFactory.newArray(ValueFactory.newInteger(3)));
		});
		assertMatchesExample("request-n", FrameCodec.encodeRequestN(ALLOCATOR, 1, 32));
		decodeExample("request-n", Frame.RequestN.class,
				(frame) -> assertThat(frame).isEqualTo(new Frame.RequestN(1, 32)));
		assertMatchesExample("next", FrameCodec.encodeNext(ALLOCATOR, 1, (packer) -> packer.packInt(0)));
		decodeExample("next", Frame.Next.class, (frame) -> {
			assertThat(frame.callId()).isEqualTo(1);
			assertThat(unpack(frame.payload())).isEqualTo(ValueFactory.newInteger(0));
		});
		assertMatchesExample("complete", FrameCodec.encodeComplete(ALLOCATOR, 1));
		decodeExample("complete", Frame.Complete.class, (frame) -> assertThat(frame).isEqualTo(new Frame.Complete(1)));
	}

	@Test
	void clientStreamExamplesAreWhatTheCodecWrites() throws IOException {
		ByteBuf request = FrameCodec.encodeRequest(ALLOCATOR, 2, "Meter.total", Metadata.EMPTY, (packer) -> {
			packer.packArrayHeader(2);
			packer.packString("kWh");
			packer.packNil();
		});
		assertMatchesExample("client-stream-request", request);
		decodeExample("client-stream-request", Frame.Request.class, (frame) -> {
			assertThat(frame.callId()).isEqualTo(2);
			assertThat(frame.method()).isEqualTo("Meter.total");
			assertThat(unpack(frame.payload()))
				.isEqualTo(ValueFactory.newArray(ValueFactory.newString("kWh"), ValueFactory.newNil()));
		});
		assertMatchesExample("client-stream-request-n", FrameCodec.encodeRequestN(ALLOCATOR, 2, 32));
		decodeExample("client-stream-request-n", Frame.RequestN.class,
				(frame) -> assertThat(frame).isEqualTo(new Frame.RequestN(2, 32)));
		assertMatchesExample("client-stream-next", FrameCodec.encodeNext(ALLOCATOR, 2, (packer) -> packer.packInt(7)));
		decodeExample("client-stream-next", Frame.Next.class, (frame) -> {
			assertThat(frame.callId()).isEqualTo(2);
			assertThat(unpack(frame.payload())).isEqualTo(ValueFactory.newInteger(7));
		});
		assertMatchesExample("client-stream-complete", FrameCodec.encodeComplete(ALLOCATOR, 2));
		decodeExample("client-stream-complete", Frame.Complete.class,
				(frame) -> assertThat(frame).isEqualTo(new Frame.Complete(2)));
	}

	@Test
	void pingAndPongExamplesAreWhatTheCodecWrites() {
		assertMatchesExample("ping", FrameCodec.encodePing(ALLOCATOR, false, 7));
		assertMatchesExample("pong", FrameCodec.encodePing(ALLOCATOR, true, 7));
		decodeExample("ping", Frame.Ping.class, (frame) -> assertThat(frame).isEqualTo(new Frame.Ping(7)));
		decodeExample("pong", Frame.Pong.class, (frame) -> assertThat(frame).isEqualTo(new Frame.Pong(7)));
	}

	@Test
	void goAwayExampleIsWhatTheCodecWrites() {
		assertMatchesExample("goaway",
				FrameCodec.encodeGoAway(ALLOCATOR, RpcStatus.UNAVAILABLE, "Server is shutting down"));
		decodeExample("goaway", Frame.GoAway.class, (frame) -> assertThat(frame)
			.isEqualTo(new Frame.GoAway(RpcStatus.UNAVAILABLE.code(), "Server is shutting down")));
	}

	@Test
	void notificationExampleIsWhatTheCodecWrites() throws IOException {
		ByteBuf notification = FrameCodec.encodeNotification(ALLOCATOR, "Greeter.log", Metadata.EMPTY, (packer) -> {
			packer.packMapHeader(1);
			packer.packString("line");
			packer.packString("hi");
		});
		assertMatchesExample("notification", notification);
		decodeExample("notification", Frame.Notification.class, (frame) -> {
			assertThat(frame.method()).isEqualTo("Greeter.log");
			assertThat(frame.metadata()).isEqualTo(Metadata.EMPTY);
			assertThat(unpack(frame.payload()))
				.isEqualTo(ValueFactory.newMap(Map.of(ValueFactory.newString("line"), ValueFactory.newString("hi"))));
		});
	}

	@Test
	void authPrefaceExampleCarriesTheAuthFlag() {
		ByteBuf preface = Unpooled.buffer(Preface.LENGTH);
		new Preface(Preface.CURRENT_VERSION, Preface.FLAG_AUTH, 8 * 1024 * 1024).writeTo(preface);
		assertBytesMatchExample("preface-auth", preface);
		Preface documented = Preface.readFrom(Unpooled.wrappedBuffer(example("preface-auth")));
		assertThat(documented.requiresAuthentication()).isTrue();
	}

	@Test
	void authHandshakeExamplesAreWhatTheCodecWritesWithTheDocumentedSecretAndNonces() {
		SharedSecret secret = SharedSecret.of("open sesame");
		byte[] serverNonce = sequence(0x00);
		byte[] clientNonce = sequence(0x20);
		byte[] clientProof = secret.clientProof(serverNonce, clientNonce);
		byte[] serverProof = secret.serverProof(serverNonce, clientNonce);
		assertMatchesExample("auth-challenge", FrameCodec.encodeAuthChallenge(ALLOCATOR, serverNonce));
		assertMatchesExample("auth-response", FrameCodec.encodeAuthResponse(ALLOCATOR, clientNonce, clientProof));
		assertMatchesExample("auth-ok", FrameCodec.encodeAuthOk(ALLOCATOR, serverProof));
		decodeExample("auth-challenge", Frame.AuthChallenge.class,
				(frame) -> assertThat(frame.nonce()).isEqualTo(serverNonce));
		decodeExample("auth-response", Frame.AuthResponse.class, (frame) -> {
			assertThat(frame.nonce()).isEqualTo(clientNonce);
			assertThat(secret.isValidClientProof(serverNonce, frame.nonce(), frame.proof())).isTrue();
		});
		decodeExample("auth-ok", Frame.AuthOk.class,
				(frame) -> assertThat(secret.isValidServerProof(serverNonce, clientNonce, frame.proof())).isTrue());
	}

	// The documented proofs follow from the formulas written next to them.
	@Test
	void documentedProofsAreTheHmacOfTheDocumentedInput() throws Exception {
		Mac mac = Mac.getInstance("HmacSHA256");
		mac.init(new SecretKeySpec("open sesame".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
		mac.update("easyrpc-auth-v1 client".getBytes(StandardCharsets.US_ASCII));
		mac.update(sequence(0x00));
		mac.update(sequence(0x20));
		byte[] response = example("auth-response");
		assertThat(Arrays.copyOfRange(response, response.length - SharedSecret.PROOF_LENGTH, response.length))
			.isEqualTo(mac.doFinal());
		mac.update("easyrpc-auth-v1 server".getBytes(StandardCharsets.US_ASCII));
		mac.update(sequence(0x00));
		mac.update(sequence(0x20));
		byte[] ok = example("auth-ok");
		assertThat(Arrays.copyOfRange(ok, ok.length - SharedSecret.PROOF_LENGTH, ok.length)).isEqualTo(mac.doFinal());
	}

	private static byte[] sequence(int first) {
		byte[] bytes = new byte[SharedSecret.NONCE_LENGTH];
		for (int i = 0; i < bytes.length; i++) {
			bytes[i] = (byte) (first + i);
		}
		return bytes;
	}

	// The examples show what goes on a TCP stream: the encoded body behind the length
	// prefix that the stream framing adds.
	private static void assertMatchesExample(String name, ByteBuf encoded) {
		EmbeddedChannel stream = new EmbeddedChannel();
		StreamFraming.addHandlers(stream.pipeline(), Integer.MAX_VALUE);
		stream.writeOutbound(encoded);
		ByteBuf written = Unpooled.buffer();
		ByteBuf part;
		while ((part = stream.readOutbound()) != null) {
			written.writeBytes(part);
			part.release();
		}
		assertThat(stream.finish()).isFalse();
		try {
			assertThat(HEX.formatHex(ByteBufUtil.getBytes(written))).as("bytes of example '%s' in %s", name, DOCUMENT)
				.isEqualTo(HEX.formatHex(example(name)));
		}
		finally {
			written.release();
		}
		assertThat(encoded.refCnt()).isZero();
	}

	// The preface goes on the wire as it is.
	private static void assertBytesMatchExample(String name, ByteBuf encoded) {
		try {
			assertThat(HEX.formatHex(ByteBufUtil.getBytes(encoded))).as("bytes of example '%s' in %s", name, DOCUMENT)
				.isEqualTo(HEX.formatHex(example(name)));
		}
		finally {
			encoded.release();
		}
	}

	private static <F extends Frame> void decodeExample(String name, Class<F> type, Consumer<F> checks) {
		byte[] bytes = example(name);
		ByteBuf frame = Unpooled.wrappedBuffer(bytes);
		int length = frame.readInt();
		assertThat(length).as("length prefix of example '%s'", name).isEqualTo(frame.readableBytes());
		try {
			Frame decoded = FrameCodec.decode(frame);
			assertThat(decoded).isInstanceOf(type);
			checks.accept(type.cast(decoded));
		}
		finally {
			frame.release();
		}
	}

	private static byte[] example(String name) {
		byte[] bytes = examples.get(name);
		if (bytes == null) {
			fail("No example '" + name + "' in " + DOCUMENT);
		}
		return bytes;
	}

	private static Value unpack(ByteBuf payload) {
		try (MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(ByteBufUtil.getBytes(payload))) {
			Value value = unpacker.unpackValue();
			assertThat(unpacker.hasNext()).as("payload holds one value").isFalse();
			return value;
		}
		catch (IOException ex) {
			throw new AssertionError(ex);
		}
	}

	private static Map<String, byte[]> parseExamples(List<String> lines) {
		Map<String, byte[]> result = new LinkedHashMap<>();
		String name = null;
		StringBuilder hex = null;
		for (int i = 0; i < lines.size(); i++) {
			String line = lines.get(i);
			if (name == null) {
				Matcher start = EXAMPLE_START.matcher(line);
				if (start.matches()) {
					name = start.group(1);
					hex = new StringBuilder();
					assertThat(result).as("example names in %s", DOCUMENT).doesNotContainKey(name);
				}
				continue;
			}
			if (line.startsWith("```")) {
				result.put(name, HexFormat.of().parseHex(hex));
				name = null;
				continue;
			}
			int bar = line.indexOf('|');
			String bytes = ((bar >= 0) ? line.substring(0, bar) : line).trim();
			for (String token : bytes.isEmpty() ? new String[0] : bytes.split("\\s+")) {
				assertThat(token).as("line %d of %s", i + 1, DOCUMENT).matches(HEX_BYTE);
				hex.append(token);
			}
		}
		assertThat(name).as("unterminated example in %s", DOCUMENT).isNull();
		return result;
	}

}

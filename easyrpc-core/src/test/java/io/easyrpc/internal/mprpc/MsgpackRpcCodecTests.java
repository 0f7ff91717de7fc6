package io.easyrpc.internal.mprpc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import io.easyrpc.RpcStatus;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.Value;
import org.msgpack.value.ValueFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class MsgpackRpcCodecTests {

	private static final HexFormat HEX = HexFormat.of();

	@Test
	void decodesTheSpecRequestByteForByte() {
		// [0, 1, "Greeter.hello", ["Ada"]]
		ByteBuf in = hex("94 00 01 ad 47726565746572 2e 68656c6c6f 91 a3 416461");
		MsgpackRpcMessage.Request request = (MsgpackRpcMessage.Request) MsgpackRpcCodec.decode(in);
		assertThat(request.msgid()).isEqualTo(1);
		assertThat(request.method()).isEqualTo("Greeter.hello");
		assertThat(ByteBufUtil.hexDump(request.params())).isEqualTo("91a3416461");
	}

	@Test
	void decodesNotificationsAndResponses() {
		MsgpackRpcMessage.Notification notification = (MsgpackRpcMessage.Notification) MsgpackRpcCodec
			.decode(hex("93 02 a1 6d 81 a1 61 01"));
		assertThat(notification.method()).isEqualTo("m");
		assertThat(ByteBufUtil.hexDump(notification.params())).isEqualTo("81a16101");
		MsgpackRpcMessage.Response response = (MsgpackRpcMessage.Response) MsgpackRpcCodec
			.decode(hex("94 01 ce ffffffff c0 2a"));
		assertThat(response.msgid()).isEqualTo(0xffffffffL);
		assertThat(response.isSuccess()).isTrue();
		assertThat(ByteBufUtil.hexDump(response.result())).isEqualTo("2a");
	}

	@Test
	void acceptsArray16AndBinaryMethodNames() {
		MsgpackRpcMessage.Request request = (MsgpackRpcMessage.Request) MsgpackRpcCodec
			.decode(hex("dc 0004 00 cd 0102 c4 01 78 90"));
		assertThat(request.msgid()).isEqualTo(0x102);
		assertThat(request.method()).isEqualTo("x");
	}

	@Test
	void malformedRequestWithReadableMsgidNamesIt() {
		// a request with 5 elements
		MsgpackRpcException wrongArity = malformed("95 00 07 a1 6d 90 c0");
		assertThat(wrongArity.msgid()).isEqualTo(7);
		assertThat(wrongArity.getStatus()).isEqualTo(RpcStatus.INVALID_ARGUMENT);
		assertThat(wrongArity).hasMessageContaining("a request has 4 elements, not 5");
		// params that are a string
		assertThat(malformed("94 00 08 a1 6d a1 78").msgid()).isEqualTo(8);
		// unknown type with a msgid
		assertThat(malformed("94 07 09 a1 6d 90").msgid()).isEqualTo(9);
		// method not a string
		assertThat(malformed("94 00 0a 01 90").msgid()).isEqualTo(10);
	}

	@Test
	void malformedMessageWithoutMsgidHasNone() {
		assertThat(malformed("a1 78").msgid()).isEqualTo(-1);
		assertThat(malformed("94 00 ff a1 6d 90").msgid()).isEqualTo(-1);
		assertThat(malformed("94 00 cf 0000000100000000 a1 6d 90").msgid()).isEqualTo(-1);
		assertThat(malformed("94 00 a1 78 a1 6d 90").msgid()).isEqualTo(-1);
		assertThat(malformed("90").msgid()).isEqualTo(-1);
		// a size header that claims more than the message holds
		assertThat(malformed("94 00 01 db ffffffff").msgid()).isEqualTo(1);
		assertThat(malformed("93 02 a1 6d 90 00")).hasMessageContaining("1 bytes follow");
	}

	@Test
	void encodesWhatItDecodes() throws IOException {
		ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
		ByteBuf request = MsgpackRpcCodec.encodeRequest(alloc, 0xfffffffeL, "S.m", (packer) -> {
			packer.packArrayHeader(1);
			packer.packInt(3);
		});
		assertThat(MsgpackRpcCodec.detect(request)).isEqualTo(1);
		MsgpackRpcMessage.Request decoded = (MsgpackRpcMessage.Request) MsgpackRpcCodec.decode(request);
		assertThat(decoded.msgid()).isEqualTo(0xfffffffeL);
		assertThat(ByteBufUtil.hexDump(decoded.params())).isEqualTo("9103");
		request.release();
		ByteBuf notification = MsgpackRpcCodec.encodeNotification(alloc, "S.n", (packer) -> packer.packArrayHeader(0));
		assertThat(ByteBufUtil.hexDump(notification)).isEqualTo("9302a3532e6e90");
		notification.release();
		ByteBuf result = MsgpackRpcCodec.encodeResult(alloc, 5, (packer) -> packer.packString("ok"));
		assertThat(ByteBufUtil.hexDump(result)).isEqualTo("940105c0a26f6b");
		result.release();
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> MsgpackRpcCodec.encodeResult(alloc, -1, (packer) -> packer.packNil()));
	}

	@Test
	void errorIsAMapWithStatusCodeMessageAndOptionalData() throws IOException {
		ByteBuf error = MsgpackRpcCodec.encodeError(ByteBufAllocator.DEFAULT, 3, RpcStatus.NOT_FOUND, "gone",
				"com.example.Gone");
		MsgpackRpcMessage.Response response = (MsgpackRpcMessage.Response) MsgpackRpcCodec.decode(error);
		assertThat(response.isSuccess()).isFalse();
		assertThat(MsgpackRpcCodec.isNil(response.result())).isTrue();
		Value value = unpack(response.error());
		assertThat(value.toJson()).isEqualTo(
				"{\"status\":\"NOT_FOUND\",\"code\":5,\"message\":\"gone\",\"data\":{\"exception\":\"com.example.Gone\"}}");
		error.release();
		ByteBuf plain = MsgpackRpcCodec.encodeError(ByteBufAllocator.DEFAULT, 3, RpcStatus.INTERNAL, "x", null);
		Value plainValue = unpack(((MsgpackRpcMessage.Response) MsgpackRpcCodec.decode(plain)).error());
		assertThat(plainValue.asMapValue().map()).hasSize(3).doesNotContainKey(ValueFactory.newString("data"));
		plain.release();
	}

	@Test
	void detectsRequestsAndNotificationsByTheirFirstBytes() {
		assertThat(MsgpackRpcCodec.detect(hex("94 00"))).isEqualTo(1);
		assertThat(MsgpackRpcCodec.detect(hex("93 02"))).isEqualTo(1);
		assertThat(MsgpackRpcCodec.detect(hex("dc 0004 00"))).isEqualTo(1);
		assertThat(MsgpackRpcCodec.detect(hex("dc 0003 02"))).isEqualTo(1);
		assertThat(MsgpackRpcCodec.detect(hex("94"))).isEqualTo(-1);
		assertThat(MsgpackRpcCodec.detect(hex("dc 00"))).isEqualTo(-1);
		assertThat(MsgpackRpcCodec.detect(Unpooled.EMPTY_BUFFER)).isEqualTo(-1);
		assertThat(MsgpackRpcCodec.detect(hex("94 01"))).isZero();
		assertThat(MsgpackRpcCodec.detect(hex("95 00"))).isZero();
		assertThat(MsgpackRpcCodec.detect(hex("dc 0005 00"))).isZero();
		assertThat(MsgpackRpcCodec.detect(Unpooled.wrappedBuffer("ERPC".getBytes(StandardCharsets.US_ASCII)))).isZero();
		assertThat(MsgpackRpcCodec.detect(hex("16 03 01"))).isZero();
	}

	private static Value unpack(ByteBuf raw) throws IOException {
		try (MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(ByteBufUtil.getBytes(raw))) {
			return unpacker.unpackValue();
		}
	}

	private static MsgpackRpcException malformed(String hex) {
		return catchThrowableOfType(MsgpackRpcException.class, () -> MsgpackRpcCodec.decode(hex(hex)));
	}

	static ByteBuf hex(String hex) {
		return Unpooled.wrappedBuffer(HEX.parseHex(hex.replace(" ", "")));
	}

}

package io.easyrpc.internal.protocol;

import java.util.HexFormat;

import io.easyrpc.codec.CodecFormat;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The flags of the {@link Preface} that announce the payload codec.
 */
class PrefaceTests {

	@Test
	void aClientAnnouncesJsonInBitsFourToSevenAndThePrefaceStaysTenBytes() {
		assertThat(Preface.codecFlags(CodecFormat.MSGPACK)).isZero();
		assertThat(Preface.codecFlags(CodecFormat.JSON)).isEqualTo(0x10);
		ByteBuf buf = Unpooled.buffer();
		new Preface(Preface.CURRENT_VERSION, Preface.codecFlags(CodecFormat.JSON), 8 * 1024 * 1024).writeTo(buf);
		assertThat(ByteBufUtil.hexDump(buf)).isEqualTo("45525043" + "01" + "10" + "00800000");
		assertThat(buf.readableBytes()).isEqualTo(Preface.LENGTH);
		Preface read = Preface.readFrom(buf);
		assertThat(read.codec()).isEqualTo(CodecFormat.JSON);
		assertThat(read.codecNumber()).isEqualTo(1);
	}

	@Test
	void anOldClientsZeroFlagsMeanMessagePack() {
		Preface old = Preface.readFrom(Unpooled.wrappedBuffer(HexFormat.of().parseHex("45525043010000800000")));
		assertThat(old.codec()).isEqualTo(CodecFormat.MSGPACK);
		assertThat(old.acceptsJson()).isFalse();
		assertThat(old.requiresAuthentication()).isFalse();
	}

	@Test
	void anUnknownCodecNumberIsReportedAsUnknown() {
		Preface preface = new Preface(Preface.CURRENT_VERSION, 0x20, 1024);
		assertThat(preface.codec()).isNull();
		assertThat(preface.codecNumber()).isEqualTo(2);
		assertThat(new Preface(Preface.CURRENT_VERSION, 0xf0, 1024).codecNumber()).isEqualTo(15);
	}

	@Test
	void aServerAnnouncesJsonBesideAuthentication() {
		Preface both = new Preface(Preface.CURRENT_VERSION, Preface.FLAG_AUTH | Preface.FLAG_JSON, 1024);
		assertThat(both.acceptsJson()).isTrue();
		assertThat(both.requiresAuthentication()).isTrue();
		assertThat(both.codec()).isEqualTo(CodecFormat.MSGPACK);
		Preface jsonOnly = new Preface(Preface.CURRENT_VERSION, Preface.FLAG_JSON, 1024);
		assertThat(jsonOnly.acceptsJson()).isTrue();
		assertThat(jsonOnly.requiresAuthentication()).isFalse();
	}

}

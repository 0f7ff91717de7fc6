package io.easyrpc.internal.protocol;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link SharedSecret}: proofs depend on the secret, on both nonces and on the
 * side that makes them, and the secret never shows.
 */
class SharedSecretTests {

	private final SharedSecret secret = SharedSecret.of("s3cr3t value");

	private final byte[] serverNonce = SharedSecret.newNonce();

	private final byte[] clientNonce = SharedSecret.newNonce();

	@Test
	void proofsAreThirtyTwoBytesAndVerifyWithTheSameSecret() {
		byte[] clientProof = this.secret.clientProof(this.serverNonce, this.clientNonce);
		byte[] serverProof = this.secret.serverProof(this.serverNonce, this.clientNonce);
		assertThat(clientProof).hasSize(SharedSecret.PROOF_LENGTH);
		assertThat(serverProof).hasSize(SharedSecret.PROOF_LENGTH);
		assertThat(this.secret.isValidClientProof(this.serverNonce, this.clientNonce, clientProof)).isTrue();
		assertThat(this.secret.isValidServerProof(this.serverNonce, this.clientNonce, serverProof)).isTrue();
		SharedSecret same = SharedSecret.of("s3cr3t value".getBytes(StandardCharsets.UTF_8));
		assertThat(same.isValidClientProof(this.serverNonce, this.clientNonce, clientProof)).isTrue();
	}

	@Test
	void clientAndServerProofsDifferSoNeitherCanBeReflected() {
		byte[] clientProof = this.secret.clientProof(this.serverNonce, this.clientNonce);
		assertThat(this.secret.serverProof(this.serverNonce, this.clientNonce)).isNotEqualTo(clientProof);
		assertThat(this.secret.isValidServerProof(this.serverNonce, this.clientNonce, clientProof)).isFalse();
		// Even when a client echoes the server's nonce.
		byte[] echoed = this.secret.clientProof(this.serverNonce, this.serverNonce);
		assertThat(this.secret.isValidServerProof(this.serverNonce, this.serverNonce, echoed)).isFalse();
	}

	@Test
	void anotherSecretOrAnotherNonceGivesAnotherProof() {
		byte[] proof = this.secret.clientProof(this.serverNonce, this.clientNonce);
		assertThat(SharedSecret.of("s3cr3t valuf").isValidClientProof(this.serverNonce, this.clientNonce, proof))
			.isFalse();
		assertThat(this.secret.isValidClientProof(SharedSecret.newNonce(), this.clientNonce, proof)).isFalse();
		assertThat(this.secret.isValidClientProof(this.serverNonce, SharedSecret.newNonce(), proof)).isFalse();
		assertThat(this.secret.isValidClientProof(this.clientNonce, this.serverNonce, proof)).isFalse();
	}

	@Test
	void proofOfAnotherLengthIsInvalid() {
		byte[] proof = this.secret.clientProof(this.serverNonce, this.clientNonce);
		byte[] shorter = new byte[proof.length - 1];
		System.arraycopy(proof, 0, shorter, 0, shorter.length);
		assertThat(this.secret.isValidClientProof(this.serverNonce, this.clientNonce, shorter)).isFalse();
		assertThat(this.secret.isValidClientProof(this.serverNonce, this.clientNonce, new byte[0])).isFalse();
	}

	@Test
	void noncesAreFreshAndThirtyTwoBytes() {
		Set<String> seen = new HashSet<>();
		for (int i = 0; i < 1000; i++) {
			byte[] nonce = SharedSecret.newNonce();
			assertThat(nonce).hasSize(SharedSecret.NONCE_LENGTH);
			assertThat(seen.add(HexFormat.of().formatHex(nonce))).isTrue();
		}
	}

	@Test
	void emptyOrBlankSecretIsRefused() {
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> SharedSecret.of(new byte[0]));
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> SharedSecret.of(""));
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> SharedSecret.of(" \t"));
	}

	@Test
	void nonceOfAnotherLengthIsRefused() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> this.secret.clientProof(new byte[16], this.clientNonce))
			.withMessageContaining("server nonce must be 32 bytes");
	}

	@Test
	void bytesGivenAreCopied() {
		byte[] bytes = "changing".getBytes(StandardCharsets.UTF_8);
		SharedSecret copied = SharedSecret.of(bytes);
		byte[] proof = copied.clientProof(this.serverNonce, this.clientNonce);
		bytes[0] = 'X';
		assertThat(copied.isValidClientProof(this.serverNonce, this.clientNonce, proof)).isTrue();
	}

	@Test
	void toStringHidesTheSecret() {
		assertThat(this.secret.toString()).doesNotContain("s3cr3t").isEqualTo("SharedSecret[******]");
	}

}

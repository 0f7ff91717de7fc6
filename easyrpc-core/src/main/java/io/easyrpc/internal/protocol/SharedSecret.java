package io.easyrpc.internal.protocol;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Objects;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A secret shared by a server and its clients, and the challenge–response computations of
 * the easyrpc authentication handshake (see {@code docs/protocol.md}). The secret itself
 * never crosses the wire: each side proves that it knows it with an HMAC-SHA256 over both
 * sides' fresh nonces, so a recorded handshake is worthless on another connection.
 * <ul>
 * <li>client proof = HMAC-SHA256(secret, {@code "easyrpc-auth-v1 client"} || server nonce
 * || client nonce)</li>
 * <li>server proof = HMAC-SHA256(secret, {@code "easyrpc-auth-v1 server"} || server nonce
 * || client nonce)</li>
 * </ul>
 * The two labels keep one side's proof from ever being usable as the other's.
 * <p>
 * Instances are immutable and thread-safe, and never show the secret in
 * {@link #toString()}.
 */
public final class SharedSecret {

	/** The length of a nonce, in bytes. */
	public static final int NONCE_LENGTH = 32;

	/** The length of a proof (an HMAC-SHA256 value), in bytes. */
	public static final int PROOF_LENGTH = 32;

	private static final String ALGORITHM = "HmacSHA256";

	private static final byte[] CLIENT_LABEL = "easyrpc-auth-v1 client".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] SERVER_LABEL = "easyrpc-auth-v1 server".getBytes(StandardCharsets.US_ASCII);

	private static final SecureRandom RANDOM = new SecureRandom();

	private final SecretKeySpec key;

	private SharedSecret(byte[] secret) {
		this.key = new SecretKeySpec(secret, ALGORITHM);
		// Fail on creation rather than during the first handshake if the JDK cannot do
		// it.
		mac();
	}

	/**
	 * Create a shared secret from bytes. The array is copied.
	 * @param secret the secret, at least one byte
	 * @return the shared secret
	 * @throws IllegalArgumentException if the secret is empty
	 */
	public static SharedSecret of(byte[] secret) {
		Objects.requireNonNull(secret, "secret must not be null");
		if (secret.length == 0) {
			throw new IllegalArgumentException("A shared secret must not be empty");
		}
		return new SharedSecret(secret);
	}

	/**
	 * Create a shared secret from text; its UTF-8 bytes are the key.
	 * @param secret the secret, not blank
	 * @return the shared secret
	 * @throws IllegalArgumentException if the secret is blank
	 */
	public static SharedSecret of(String secret) {
		Objects.requireNonNull(secret, "secret must not be null");
		if (secret.isBlank()) {
			throw new IllegalArgumentException("A shared secret must not be blank");
		}
		return new SharedSecret(secret.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Return a fresh random nonce of {@link #NONCE_LENGTH} bytes from a
	 * {@link SecureRandom}.
	 * @return the nonce
	 */
	public static byte[] newNonce() {
		byte[] nonce = new byte[NONCE_LENGTH];
		RANDOM.nextBytes(nonce);
		return nonce;
	}

	/**
	 * Compute the proof a client sends in {@code AUTH_RESPONSE}.
	 * @param serverNonce the nonce of the server's challenge
	 * @param clientNonce the client's own nonce
	 * @return the proof
	 */
	public byte[] clientProof(byte[] serverNonce, byte[] clientNonce) {
		return proof(CLIENT_LABEL, serverNonce, clientNonce);
	}

	/**
	 * Compute the proof a server sends in {@code AUTH_OK}.
	 * @param serverNonce the nonce of the server's challenge
	 * @param clientNonce the nonce of the client's response
	 * @return the proof
	 */
	public byte[] serverProof(byte[] serverNonce, byte[] clientNonce) {
		return proof(SERVER_LABEL, serverNonce, clientNonce);
	}

	/**
	 * Check a client's proof in constant time.
	 * @param serverNonce the nonce of the server's challenge
	 * @param clientNonce the nonce of the client's response
	 * @param proof the proof the client sent
	 * @return {@code true} if the client knows this secret
	 */
	public boolean isValidClientProof(byte[] serverNonce, byte[] clientNonce, byte[] proof) {
		return MessageDigest.isEqual(clientProof(serverNonce, clientNonce), proof);
	}

	/**
	 * Check a server's proof in constant time.
	 * @param serverNonce the nonce of the server's challenge
	 * @param clientNonce the client's own nonce
	 * @param proof the proof the server sent
	 * @return {@code true} if the server knows this secret
	 */
	public boolean isValidServerProof(byte[] serverNonce, byte[] clientNonce, byte[] proof) {
		return MessageDigest.isEqual(serverProof(serverNonce, clientNonce), proof);
	}

	private byte[] proof(byte[] label, byte[] serverNonce, byte[] clientNonce) {
		checkNonce(serverNonce, "server");
		checkNonce(clientNonce, "client");
		Mac mac = mac();
		mac.update(label);
		mac.update(serverNonce);
		mac.update(clientNonce);
		return mac.doFinal();
	}

	private static void checkNonce(byte[] nonce, String side) {
		if (nonce == null || nonce.length != NONCE_LENGTH) {
			throw new IllegalArgumentException("The " + side + " nonce must be " + NONCE_LENGTH + " bytes long, not "
					+ ((nonce != null) ? nonce.length : "null"));
		}
	}

	private Mac mac() {
		try {
			Mac mac = Mac.getInstance(ALGORITHM);
			mac.init(this.key);
			return mac;
		}
		catch (NoSuchAlgorithmException | InvalidKeyException ex) {
			throw new IllegalStateException("HMAC-SHA256 is not available: " + ex.getMessage(), ex);
		}
	}

	@Override
	public String toString() {
		return "SharedSecret[******]";
	}

}

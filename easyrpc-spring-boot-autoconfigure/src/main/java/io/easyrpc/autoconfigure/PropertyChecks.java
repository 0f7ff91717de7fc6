package io.easyrpc.autoconfigure;

import java.time.Duration;
import java.util.List;

import io.easyrpc.middleware.IpFilter;

import org.springframework.util.unit.DataSize;

/**
 * Checks of bound property values whose failures name the property, so that a wrong
 * setting fails the start-up with a message that says what to change.
 */
final class PropertyChecks {

	/** Smallest frame size the engine accepts: a frame header and a short payload. */
	static final long MIN_FRAME_SIZE = 64;

	private PropertyChecks() {
	}

	static void atLeast(int value, int minimum, String property) {
		if (value < minimum) {
			throw new RpcConfigurationException(property, property + " must be at least " + minimum + ", not " + value);
		}
	}

	static void atLeastIfSet(Integer value, int minimum, String property) {
		if (value != null) {
			atLeast(value, minimum, property);
		}
	}

	static void positive(Duration value, String property) {
		if (value != null && (value.isZero() || value.isNegative())) {
			throw new RpcConfigurationException(property, property + " must be positive, not " + value);
		}
	}

	static void notNegative(Duration value, String property) {
		if (value != null && value.isNegative()) {
			throw new RpcConfigurationException(property, property + " must not be negative, not " + value);
		}
	}

	static void frameSize(DataSize value, String property) {
		if (value != null && (value.toBytes() < MIN_FRAME_SIZE || value.toBytes() > Integer.MAX_VALUE)) {
			throw new RpcConfigurationException(property,
					property + " must be between " + MIN_FRAME_SIZE + "B and " + Integer.MAX_VALUE + "B, not " + value);
		}
	}

	static void notBlankIfSet(String secret, String property, String instead) {
		if (secret != null && secret.isBlank()) {
			throw new RpcConfigurationException(property, property + " is set but blank: " + instead);
		}
	}

	// IpFilter parses each entry as the server will; the message adds the property and
	// index.
	static void ipRules(List<String> entries, String property) {
		for (int i = 0; i < entries.size(); i++) {
			try {
				IpFilter.allow(entries.get(i));
			}
			catch (IllegalArgumentException ex) {
				throw new RpcConfigurationException(property + "[" + i + "]",
						property + "[" + i + "]: " + ex.getMessage());
			}
		}
	}

}

package io.easyrpc.autoconfigure;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;

import javax.net.ssl.SSLException;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.SslOptions;

/**
 * Turns Spring Boot SSL bundles into the Netty {@link SslContext}s the engine uses: the
 * bundle's key and trust manager factories, protocols and ciphers. The contexts follow
 * their bundle: when it is reloaded (new certificate files), the next connections use a
 * context built from the new content.
 */
final class SslBundleContexts {

	private static final Logger logger = LoggerFactory.getLogger(SslBundleContexts.class);

	private SslBundleContexts() {
	}

	/**
	 * Return the server contexts of a bundle, following its updates.
	 * @param bundles the application's bundles, {@code null} if it has none
	 * @param name the bundle name
	 * @param property the property that names the bundle, for error messages
	 * @param clientAuth whether clients must send a certificate
	 * @return the supplier of the current context
	 * @throws IllegalStateException if the bundle does not exist or cannot serve
	 */
	static Supplier<SslContext> server(SslBundles bundles, String name, String property,
			EasyRpcServerProperties.ClientAuth clientAuth) {
		return follow(bundles, name, property, "server", (bundle) -> serverContext(bundle, name, property, clientAuth));
	}

	/**
	 * Return the client contexts of a bundle, following its updates.
	 * @param bundles the application's bundles, {@code null} if it has none
	 * @param name the bundle name
	 * @param property the property that names the bundle, for error messages
	 * @return the supplier of the current context
	 * @throws IllegalStateException if the bundle does not exist
	 */
	static Supplier<SslContext> client(SslBundles bundles, String name, String property) {
		return follow(bundles, name, property, "client", (bundle) -> clientContext(bundle, name, property));
	}

	/**
	 * Return a client context that trusts the JDK's default certificate authorities.
	 * @param property the property that asks for TLS, for error messages
	 * @return the context
	 */
	static SslContext systemDefaultClientContext(String property) {
		return clientContext(SslBundle.systemDefault(), "system default", property);
	}

	private static Supplier<SslContext> follow(SslBundles bundles, String name, String property, String side,
			Function<SslBundle, SslContext> factory) {
		if (bundles == null) {
			throw new RpcConfigurationException(property, property + " names SSL bundle '" + name
					+ "', but the application has no SslBundles bean: is SslAutoConfiguration excluded?");
		}
		SslBundle bundle;
		try {
			bundle = bundles.getBundle(name);
		}
		catch (NoSuchSslBundleException ex) {
			throw new RpcConfigurationException(property,
					property + " names SSL bundle '" + name + "', which is not defined (defined bundles: "
							+ bundles.getBundleNames() + ")",
					"Define SSL bundle '" + name + "' under spring.ssl.bundle.pem." + name
							+ " or spring.ssl.bundle.jks." + name + ", or change " + property + " to one of "
							+ bundles.getBundleNames() + ".");
		}
		Following following = new Following(factory.apply(bundle));
		bundles.addBundleUpdateHandler(name, (updated) -> {
			try {
				following.current = factory.apply(updated);
				logger.info("SSL bundle '{}' ({}) was updated: new easyrpc {} connections use it", name, property,
						side);
			}
			catch (RuntimeException ex) {
				logger.error("SSL bundle '{}' ({}) was updated, but its content cannot be used; new easyrpc {} "
						+ "connections keep the previous one", name, property, side, ex);
			}
		});
		return following;
	}

	private static SslContext serverContext(SslBundle bundle, String name, String property,
			EasyRpcServerProperties.ClientAuth clientAuth) {
		if (bundle.getStores().getKeyStore() == null) {
			throw new RpcConfigurationException(property, property + " names SSL bundle '" + name
					+ "', which has no key store: an easyrpc server needs a certificate and its private key (for "
					+ "example spring.ssl.bundle.pem." + name + ".keystore.certificate and .private-key)");
		}
		if (clientAuth != EasyRpcServerProperties.ClientAuth.NONE && bundle.getStores().getTrustStore() == null) {
			throw new RpcConfigurationException("easyrpc.server.ssl.client-auth",
					"easyrpc.server.ssl.client-auth=" + clientAuth.name().toLowerCase(Locale.ROOT)
							+ " needs a trust store in SSL bundle '" + name
							+ "' to check client certificates (for example " + "spring.ssl.bundle.pem." + name
							+ ".truststore.certificate)");
		}
		SslContextBuilder builder = SslContextBuilder.forServer(bundle.getManagers().getKeyManagerFactory())
			.trustManager(bundle.getManagers().getTrustManagerFactory())
			.clientAuth(switch (clientAuth) {
				case NONE -> ClientAuth.NONE;
				case WANT -> ClientAuth.OPTIONAL;
				case NEED -> ClientAuth.REQUIRE;
			});
		return build(builder, bundle.getOptions(), name, property);
	}

	private static SslContext clientContext(SslBundle bundle, String name, String property) {
		SslContextBuilder builder = SslContextBuilder.forClient()
			.keyManager(bundle.getManagers().getKeyManagerFactory())
			.trustManager(bundle.getManagers().getTrustManagerFactory())
			.endpointIdentificationAlgorithm("HTTPS");
		return build(builder, bundle.getOptions(), name, property);
	}

	private static SslContext build(SslContextBuilder builder, SslOptions options, String name, String property) {
		if (options != null && options.getEnabledProtocols() != null) {
			builder.protocols(options.getEnabledProtocols());
		}
		if (options != null && options.getCiphers() != null) {
			builder.ciphers(Arrays.asList(options.getCiphers()));
		}
		try {
			return builder.build();
		}
		catch (SSLException | RuntimeException ex) {
			throw new IllegalStateException(
					"Cannot make a TLS context of SSL bundle '" + name + "' (" + property + "): " + ex.getMessage(),
					ex);
		}
	}

	/**
	 * The context of a bundle, replaced when the bundle is updated.
	 */
	private static final class Following implements Supplier<SslContext> {

		private volatile SslContext current;

		Following(SslContext initial) {
			this.current = initial;
		}

		@Override
		public SslContext get() {
			return this.current;
		}

	}

}

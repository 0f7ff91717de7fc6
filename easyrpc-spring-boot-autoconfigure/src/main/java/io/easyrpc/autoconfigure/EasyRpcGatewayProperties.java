package io.easyrpc.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the gateway routes of the easyrpc server: each route re-exports the
 * services of a client target under a method key prefix, forwarding calls without
 * decoding them.
 */
@ConfigurationProperties("easyrpc.gateway")
public class EasyRpcGatewayProperties {

	/**
	 * Routes by method key prefix: a call to "<prefix>/Service.method" that no local
	 * service answers is forwarded to the route's target as "Service.method". A prefix is
	 * one key segment, without '/' or '.'.
	 */
	private Map<String, Route> routes = new LinkedHashMap<>();

	public Map<String, Route> getRoutes() {
		return this.routes;
	}

	public void setRoutes(Map<String, Route> routes) {
		this.routes = routes;
	}

	/**
	 * One gateway route.
	 */
	public static class Route {

		/**
		 * Name of the target the route forwards to: an entry of easyrpc.client.targets,
		 * whose address, timeouts, TLS and shared secret apply to the forwarded calls.
		 */
		private String target;

		public String getTarget() {
			return this.target;
		}

		public void setTarget(String target) {
			this.target = target;
		}

	}

}

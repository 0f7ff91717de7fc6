package io.easyrpc.autoconfigure.actuate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.easyrpc.autoconfigure.RpcClientFactory;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.server.RpcServer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health of easyrpc: {@code UP} while the server is bound and serving,
 * {@code OUT_OF_SERVICE} while it drains on shutdown, {@code DOWN} when it is not
 * serving. Client targets add their connection state to the details (and, for a target
 * with several instances, how many of them are usable); a target none of whose instances
 * is usable (all failing or ejected) makes the status {@code DOWN}, but only when
 * {@code easyrpc.client.health.down-when-unavailable=true}, since a remote outage should
 * not restart the caller.
 */
public class EasyRpcHealthIndicator implements HealthIndicator {

	private final ObjectProvider<RpcServer> server;

	private final ObjectProvider<RpcClientFactory> clients;

	private final boolean downWhenTargetUnavailable;

	/**
	 * Create the indicator.
	 * @param server the server, if any
	 * @param clients the client factory, if any
	 * @param downWhenTargetUnavailable whether a target whose last connection attempt
	 * failed makes the status {@code DOWN}
	 */
	public EasyRpcHealthIndicator(ObjectProvider<RpcServer> server, ObjectProvider<RpcClientFactory> clients,
			boolean downWhenTargetUnavailable) {
		this.server = server;
		this.clients = clients;
		this.downWhenTargetUnavailable = downWhenTargetUnavailable;
	}

	@Override
	public Health health() {
		Health.Builder builder = Health.up();
		RpcServer rpcServer = this.server.getIfAvailable();
		if (rpcServer != null) {
			if (rpcServer.isDraining()) {
				builder.outOfService();
			}
			else if (!rpcServer.isRunning()) {
				builder.down();
			}
			builder.withDetail("state", EasyRpcEndpoint.state(rpcServer));
			if (rpcServer.port() >= 0) {
				builder.withDetail("port", rpcServer.port());
			}
			builder.withDetail("connections", rpcServer.connectionCount());
			builder.withDetail("activeCalls", rpcServer.activeCalls());
		}
		RpcClientFactory factory = this.clients.getIfAvailable();
		if (factory != null && !factory.targets().isEmpty()) {
			Map<String, Object> targets = new LinkedHashMap<>();
			boolean unavailable = false;
			for (RpcClientFactory.Target target : factory.targets()) {
				RpcChannel channel = target.channel();
				List<RpcChannel.Instance> instances = channel.instances();
				unavailable |= !usable(channel, instances);
				Map<String, Object> details = new LinkedHashMap<>();
				details.put("state", EasyRpcEndpoint.state(channel));
				details.put("pendingCalls", channel.pendingCalls());
				if (instances.size() > 1) {
					details.put("instances", instances.size());
					details.put("usableInstances", instances.stream().filter(EasyRpcHealthIndicator::usable).count());
				}
				targets.put(target.address(), details);
			}
			builder.withDetail("targets", targets);
			if (unavailable && this.downWhenTargetUnavailable) {
				builder.down();
			}
		}
		return builder.build();
	}

	// A target is usable while one of its instances is: not failing, not ejected. One
	// whose instances are not known yet counts as usable.
	private static boolean usable(RpcChannel channel, List<RpcChannel.Instance> instances) {
		if (channel.state() == RpcChannel.State.TRANSIENT_FAILURE) {
			return false;
		}
		return instances.isEmpty() || instances.stream().anyMatch(EasyRpcHealthIndicator::usable);
	}

	private static boolean usable(RpcChannel.Instance instance) {
		return !instance.ejected() && instance.state() != RpcChannel.State.TRANSIENT_FAILURE
				&& instance.state() != RpcChannel.State.SHUTDOWN;
	}

}

package io.easyrpc.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.origin.Origin;
import org.springframework.core.env.Environment;

/**
 * Explains a start-up that failed on an easyrpc setting
 * ({@link RpcConfigurationException}): the message, where the property's value came from
 * (a file and line, a system property, an environment variable) when it is known, and
 * what to change.
 */
class RpcConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<RpcConfigurationException> {

	private final @Nullable Environment environment;

	RpcConfigurationFailureAnalyzer(@Nullable Environment environment) {
		this.environment = environment;
	}

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, RpcConfigurationException cause) {
		StringBuilder description = new StringBuilder(cause.getMessage());
		Origin origin = origin(cause.getProperty());
		if (origin != null) {
			description.append(System.lineSeparator())
				.append(System.lineSeparator())
				.append("The value of ")
				.append(cause.getProperty())
				.append(" comes from ")
				.append(origin)
				.append('.');
		}
		String action = (cause.getAction() != null) ? cause.getAction()
				: (cause.getProperty() != null)
						? "Correct " + cause.getProperty()
								+ " in the application's configuration (application.yml, application.properties, "
								+ "a system property or an environment variable)."
						: "Correct the easyrpc configuration as the description says.";
		return new FailureAnalysis(description.toString(), action, cause);
	}

	private @Nullable Origin origin(@Nullable String property) {
		if (property == null || this.environment == null) {
			return null;
		}
		ConfigurationPropertyName name = ConfigurationPropertyName.ofIfValid(property);
		if (name == null) {
			return null;
		}
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(this.environment)) {
			ConfigurationProperty value = source.getConfigurationProperty(name);
			if (value != null && value.getOrigin() != null) {
				return value.getOrigin();
			}
		}
		return null;
	}

}

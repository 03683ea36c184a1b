package dev.bulwark.audit.internal;

import java.nio.file.Path;

import dev.bulwark.audit.AuditProperties;
import dev.bulwark.audit.CheckpointSink;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The checkpointer's schedule and the directory sink, when {@code bulwark.audit.checkpoint-dir} names one. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class AuditConfiguration {

    @Bean
    @ConditionalOnExpression("!'${bulwark.audit.checkpoint-dir:./var/checkpoints}'.isBlank()")
    CheckpointSink directoryCheckpointSink(AuditProperties properties) {
        Path dir = properties.checkpointDirectory();
        return new DirectoryCheckpointSink(dir);
    }
}

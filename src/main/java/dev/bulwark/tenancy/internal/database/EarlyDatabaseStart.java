package dev.bulwark.tenancy.internal.database;

import dev.bulwark.tenancy.BackupProperties;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.boot.context.event.SpringApplicationEvent;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;

/**
 * Starts the embedded PostgreSQL on a thread of its own as soon as the application context is prepared, before Spring
 * reads the configuration classes and creates the beans. The server is a separate process whose start (pg_ctl, crash
 * recovery if any, the roles' bootstrap) mostly waits, so it overlaps the context's own work instead of following it;
 * the {@code connectionSettings} bean then takes the started server, and a start that failed fails that bean with the
 * same exception as before. Nothing else moves: the key checks still run before the migration, and the migration before
 * the application's pool exists. Registered in {@code META-INF/spring.factories}.
 *
 * <p>The environment is complete at this point (test properties included), and {@code web.internal.StartChecks} has
 * already bound and checked every setting. A context that fails waits for a start under way to end, so the server's
 * shutdown hook is in place when the JVM exits (otherwise the next start stops the leftover postmaster).
 */
public class EarlyDatabaseStart implements ApplicationListener<SpringApplicationEvent> {

    @Override
    public void onApplicationEvent(SpringApplicationEvent event) {
        switch (event) {
            case ApplicationPreparedEvent prepared -> {
                DatabaseProperties database = database(prepared.getApplicationContext().getEnvironment());
                if (!database.external()) {
                    BackupProperties backup = Binder.get(prepared.getApplicationContext().getEnvironment())
                            .bindOrCreate("bulwark.backup", Bindable.of(BackupProperties.class));
                    EmbeddedPostgresServer.startInBackground(database, backup);
                }
            }
            case ApplicationFailedEvent failed when failed.getApplicationContext() != null -> {
                DatabaseProperties database = database(failed.getApplicationContext().getEnvironment());
                if (!database.external()) {
                    EmbeddedPostgresServer.settle(database.embedded().dataDir());
                }
            }
            default -> {
            }
        }
    }

    private static DatabaseProperties database(Environment environment) {
        return Binder.get(environment).bindOrCreate("bulwark.database", Bindable.of(DatabaseProperties.class));
    }
}

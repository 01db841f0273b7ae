from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = _("Công việc chạy nền")

    def ready(self):
        # Each app declares its job kinds in its jobs.py (jobs.registry.job_kind), and its Celery tasks, if
        # any, in tasks.py. Import them all here, as the admin does with admin.py: the web process must know
        # the kinds it may start, and Celery's own autodiscovery only runs inside the worker.
        autodiscover_modules("jobs", "tasks")
        # The wiring of the three modules that call one another: the services send jobs through the tasks,
        # whose threads (or worker) run them through the services. Each imports only the one below it.
        from jobs import runner, services, tasks

        services.send_with(tasks.send_job)
        runner.run_with(services.job_run)

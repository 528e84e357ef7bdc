/** The shape of RunPod's response to the snapshot query. Fields RunPod may leave null are nullable. */
import * as v from 'valibot';

const nullableNumber = v.nullish(v.number());
const nullableString = v.nullish(v.string());

const GpuTelemetrySchema = v.object({
  id: nullableString,
  gpuUtilPercent: nullableNumber,
  memoryUtilPercent: nullableNumber,
});

export const PodSchema = v.object({
  id: v.pipe(v.string(), v.nonEmpty('empty pod id')),
  name: nullableString,
  desiredStatus: v.string(),
  costPerHr: nullableNumber,
  adjustedCostPerHr: nullableNumber,
  gpuCount: nullableNumber,
  volumeInGb: nullableNumber,
  containerDiskInGb: nullableNumber,
  ports: nullableString,
  machine: v.nullish(v.object({ gpuDisplayName: nullableString, location: nullableString })),
  runtime: v.nullish(
    v.object({
      uptimeInSeconds: nullableNumber,
      gpus: v.nullish(v.array(GpuTelemetrySchema)),
    }),
  ),
});

export const MyselfSchema = v.object({
  id: v.string(),
  clientBalance: v.number(),
  currentSpendPerHr: v.number(),
  spendLimit: nullableNumber,
  /** Each pod is checked on its own, so one odd pod does not hide the others. */
  pods: v.array(v.unknown()),
});

export type RunPodPod = v.InferOutput<typeof PodSchema>;
export type RunPodMyself = v.InferOutput<typeof MyselfSchema>;

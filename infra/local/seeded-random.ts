/** The demo shop's and the benchmark's data come from the domain's one seeded generator. */
export { seededRandom } from '../../shared/domain/sending/random.js';
